/**
 * The command table: every command the emulator understands, by name. Anything else is
 * answered with CommandNotFound (59), like mongod.
 */
import { CommandSpec } from './context';
import { readCommands } from './crud-read';
import { writeCommands } from './crud-write';
import { ddlCommands } from './ddl';
import { handshakeCommands } from './handshake';
import { transactionCommands } from './transactions';

export const COMMANDS: Record<string, CommandSpec> = {
  ...handshakeCommands,
  ...readCommands,
  ...writeCommands,
  ...ddlCommands,
  ...transactionCommands,
};

// Everything except the identity, session and diagnostic commands is a data or catalog command.
for (const [name, spec] of Object.entries(COMMANDS)) {
  if (!(name in handshakeCommands)) spec.needsPrimaryCheck = true;
}

// Case aliases mongod accepts.
COMMANDS.buildinfo = COMMANDS.buildInfo;
COMMANDS.ismaster = COMMANDS.isMaster;
COMMANDS.findandmodify = COMMANDS.findAndModify;
