import { AppError } from '@app/problem-details';
import { Counter, register } from 'prom-client';

function counter(name: string, help: string): Counter<'outcome'> {
  // prom-client's registry is global and tests start several apps in one process.
  return (register.getSingleMetric(name) as Counter<'outcome'> | undefined) ?? new Counter({ name, help, labelNames: ['outcome'] });
}

/** Money operations by outcome (`posted` / `consumed` / `completed`, or the error code). */
export const financeMetrics = {
  transfers: counter('finance_transfers_total', 'Transfers by outcome (posted, insufficient-funds, currency-mismatch, …).'),
  consumptions: counter('finance_retainer_consumptions_total', 'Retainer consumptions by outcome (consumed, insufficient-funds, …).'),
  completions: counter('finance_payment_completions_total', 'Payment completions by outcome (completed, invalid-state, overpayment, …).'),
};

/**
 * Runs `operation` and counts its outcome once, after the transaction has settled (the body
 * itself may run several times, so it is never counted from inside). Label values are error
 * codes chosen by code, never user input.
 */
export async function countOutcome<T>(metric: Counter<'outcome'>, success: string, operation: () => Promise<T>): Promise<T> {
  try {
    const result = await operation();
    metric.inc({ outcome: success });
    return result;
  } catch (error) {
    metric.inc({ outcome: error instanceof AppError && error.status < 500 ? error.code : 'error' });
    throw error;
  }
}
