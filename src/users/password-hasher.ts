import { Injectable, OnModuleInit } from '@nestjs/common';
import { Algorithm, hash, verify } from '@node-rs/argon2';

/** argon2id (declared as a const enum in @node-rs/argon2's typings, so spelled as its value). */
const ARGON2ID = 2 as Algorithm;

/**
 * OWASP's argon2id baseline (19 MiB, 2 passes, 1 lane). Every hash records its own
 * parameters, so raising them later only affects new hashes.
 */
const OPTIONS = { algorithm: ARGON2ID, memoryCost: 19_456, timeCost: 2, parallelism: 1 };

/** Hashes and verifies passwords with argon2id. */
@Injectable()
export class PasswordHasher implements OnModuleInit {
  /** A real hash of a random password, verified against when the email is unknown. */
  private dummyHash: string;

  async onModuleInit(): Promise<void> {
    this.dummyHash = await hash(`no-such-user-${Math.random()}`, OPTIONS);
  }

  hash(password: string): Promise<string> {
    return hash(password, OPTIONS);
  }

  /** False for a wrong password or a malformed hash; never throws for bad input. */
  async verify(passwordHash: string, password: string): Promise<boolean> {
    try {
      return await verify(passwordHash, password);
    } catch {
      return false;
    }
  }

  /**
   * Burns the same time as {@link verify} and answers false: used when the email is
   * unknown, so "no such user" and "wrong password" cannot be told apart by timing.
   */
  async verifyNothing(password: string): Promise<false> {
    await this.verify(this.dummyHash, password);
    return false;
  }
}
