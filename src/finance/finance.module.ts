import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { InventoryModule } from '../inventory/inventory.module';
import { AccountRepository } from './account.repository';
import { Account, AccountSchema } from './account.schema';
import { AccountsController } from './accounts.controller';
import { AccountsService } from './accounts.service';
import { InvoiceRepository } from './invoice.repository';
import { Invoice, InvoiceSchema } from './invoice.schema';
import { InvoicesController } from './invoices.controller';
import { InvoicesService } from './invoices.service';
import { JournalEntriesController } from './journal-entries.controller';
import { JournalEntriesService } from './journal-entries.service';
import { JournalEntryRepository } from './journal-entry.repository';
import { JournalEntry, JournalEntrySchema } from './journal-entry.schema';
import { LedgerService } from './ledger.service';
import { PaymentRepository } from './payment.repository';
import { Payment, PaymentSchema } from './payment.schema';
import { PaymentsController } from './payments.controller';
import { PaymentsService } from './payments.service';
import { ReconciliationController } from './reconciliation.controller';
import { ReconciliationService } from './reconciliation.service';
import { RetainerRepository } from './retainer.repository';
import { Retainer, RetainerSchema } from './retainer.schema';
import { RetainersController } from './retainers.controller';
import { RetainersService } from './retainers.service';
import { TransferRepository } from './transfer.repository';
import { Transfer, TransferSchema } from './transfer.schema';
import { TransfersController } from './transfers.controller';
import { TransfersService } from './transfers.service';

/**
 * Finance: accounts, transfers, retainers, invoices and payments on one double-entry ledger.
 * Every money movement is a journal entry written with the balances it explains, in one
 * transaction. Uses inventory only through OrderLookupService (invoices name orders).
 */
@Module({
  imports: [
    InventoryModule,
    MongooseModule.forFeature([
      { name: Account.name, schema: AccountSchema },
      { name: JournalEntry.name, schema: JournalEntrySchema },
      { name: Transfer.name, schema: TransferSchema },
      { name: Retainer.name, schema: RetainerSchema },
      { name: Invoice.name, schema: InvoiceSchema },
      { name: Payment.name, schema: PaymentSchema },
    ]),
  ],
  controllers: [AccountsController, JournalEntriesController, TransfersController, RetainersController, InvoicesController, PaymentsController, ReconciliationController],
  providers: [
    AccountRepository,
    JournalEntryRepository,
    TransferRepository,
    RetainerRepository,
    InvoiceRepository,
    PaymentRepository,
    LedgerService,
    AccountsService,
    TransfersService,
    RetainersService,
    InvoicesService,
    PaymentsService,
    ReconciliationService,
    JournalEntriesService,
  ],
})
export class FinanceModule {}
