/**
 * One client connection: frames incoming bytes into messages, runs them in arrival order
 * (the driver never pipelines on a connection), and writes the replies.
 */
import type { Socket } from 'node:net';
import { Doc } from '../bson/values';
import { ConnectionState } from '../commands/context';
import { CLOSE_CONNECTION, EmulatorServer } from '../server';
import {
  FLAG_MORE_TO_COME,
  IncomingCommand,
  encodeMsgReply,
  encodeOpReply,
  parseMessage,
} from './messages';

const MAX_MESSAGE = 48_000_000;

export class Connection {
  readonly state: ConnectionState;
  /** Received bytes not yet framed: a list of chunks (concatenated lazily, once a message is complete). */
  private chunks: Buffer[] = [];
  private buffered = 0;
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly server: EmulatorServer,
    readonly socket: Socket,
    id: number,
    member = 0,
  ) {
    this.state = { id, socket, closed: false, member };
    socket.setNoDelay(true);
    socket.on('data', (chunk) => this.onData(chunk));
    socket.on('close', () => (this.state.closed = true));
    socket.on('error', () => (this.state.closed = true));
  }

  private onData(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    while (this.buffered >= 4) {
      const head = this.chunks[0].length >= 4 ? this.chunks[0] : this.flatten();
      const len = head.readInt32LE(0);
      if (len < 16 || len > MAX_MESSAGE) {
        this.socket.destroy();
        return;
      }
      if (this.buffered < len) return;
      const all = this.flatten();
      const msg = Buffer.from(all.subarray(0, len));
      const rest = all.subarray(len);
      this.chunks = rest.length ? [rest] : [];
      this.buffered = rest.length;
      let parsed: IncomingCommand;
      try {
        parsed = parseMessage(msg);
      } catch {
        // malformed message (ProtocolError, invalid BSON): mongod closes the connection
        this.socket.destroy();
        return;
      }
      this.chain = this.chain.then(() => this.handle(parsed)).catch(() => void this.socket.destroy());
    }
  }

  private flatten(): Buffer {
    if (this.chunks.length > 1) this.chunks = [Buffer.concat(this.chunks, this.buffered)];
    return this.chunks[0];
  }

  private async handle(msg: IncomingCommand): Promise<void> {
    if (this.state.closed) return;
    let db: string;
    if (msg.kind === 'msg') db = typeof msg.body.$db === 'string' ? msg.body.$db : 'admin';
    else db = (msg.fullCollectionName ?? 'admin.$cmd').split('.')[0];
    const reply = await this.server.execute(msg.body, db, this.state);
    if (this.state.closed) return;
    if (reply === CLOSE_CONNECTION) {
      this.socket.destroy();
      return;
    }
    if (msg.kind === 'msg') {
      if (msg.flags & FLAG_MORE_TO_COME) return; // unacknowledged (w:0): no reply
      this.socket.write(encodeMsgReply(msg.header.requestId, reply as Doc));
    } else {
      this.socket.write(encodeOpReply(msg.header.requestId, reply as Doc));
    }
  }
}
