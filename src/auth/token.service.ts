import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { UnauthenticatedError } from '@app/problem-details';
import { createCipheriv, createDecipheriv, createHash, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { AppConfigService } from '../common/config/app-config.service';
import { Role } from './role';

/** Refresh tokens (and so sessions) live 30 days after their last rotation. */
export const REFRESH_TOKEN_TTL_MS = 30 * 24 * 60 * 60 * 1000;

/** The claims of an access token. */
export interface AccessClaims {
  /** User id. */
  sub: string;
  /** Tenant id. */
  tid: string;
  roles: Role[];
  /** Session id: the login this token descends from. */
  sid: string;
}

const OBJECT_ID = /^[0-9a-f]{24}$/;
const ROLES = new Set<string>(Object.values(Role));

/** An opaque secret for the client and the only thing the server keeps of it. */
export interface OpaqueToken {
  token: string;
  hash: string;
}

/** Access tokens (JWT, HS256) and opaque tokens (refresh, password reset). */
@Injectable()
export class TokenService {
  constructor(
    private readonly jwt: JwtService,
    private readonly config: AppConfigService,
  ) {}

  /** Access-token lifetime in seconds (`expiresIn` of token responses). */
  get accessTtlSeconds(): number {
    return this.config.get('JWT_ACCESS_TTL_SECONDS');
  }

  signAccessToken(claims: AccessClaims): Promise<string> {
    const { sub, ...rest } = claims;
    return this.jwt.signAsync({ ...rest }, { subject: sub, expiresIn: this.accessTtlSeconds, algorithm: 'HS256' });
  }

  /** Verified claims, or 401: bad signature, expired, wrong algorithm or malformed claims all look the same. */
  async verifyAccessToken(token: string): Promise<AccessClaims> {
    let payload: Record<string, unknown>;
    try {
      payload = await this.jwt.verifyAsync<Record<string, unknown>>(token, { algorithms: ['HS256'] });
    } catch {
      throw new UnauthenticatedError('The access token is invalid or expired.');
    }
    const { sub, tid, sid, roles } = payload;
    if (
      typeof sub !== 'string' || !OBJECT_ID.test(sub) ||
      typeof tid !== 'string' || !OBJECT_ID.test(tid) ||
      typeof sid !== 'string' || !OBJECT_ID.test(sid) ||
      !Array.isArray(roles) || !roles.every((r) => typeof r === 'string' && ROLES.has(r))
    ) {
      throw new UnauthenticatedError('The access token is invalid or expired.');
    }
    return { sub, tid, sid, roles: roles as Role[] };
  }

  /** 256 random bits, base64url (43 characters), and its SHA-256. */
  newOpaqueToken(): OpaqueToken {
    const token = randomBytes(32).toString('base64url');
    return { token, hash: this.hashOpaqueToken(token) };
  }

  /**
   * The refresh token that succeeds `token` in rotation: HMAC-SHA256 under a key derived from
   * JWT_SECRET, so it is as unguessable as a random one to anyone without the secret, and every
   * concurrent refresh with one token computes the same successor — the one the winner installed
   * — without the server storing any token.
   */
  successorOf(token: string): OpaqueToken {
    const key = Buffer.from(hkdfSync('sha256', this.config.get('JWT_SECRET'), 'race-safe-backend', 'refresh-successor/v1', 32));
    const successor = createHmac('sha256', key).update(token, 'utf8').digest('base64url');
    return { token: successor, hash: this.hashOpaqueToken(successor) };
  }

  /**
   * Encrypts a secret (AES-256-GCM, key derived from JWT_SECRET) for a trip through shared
   * storage such as the outbox: whoever can read events (a tenant's event stream, a database
   * dump) sees ciphertext, and only this application can {@link open} it.
   */
  seal(secret: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.sealKey(), iv);
    const body = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
  }

  /** Reverses {@link seal}; throws when the value was tampered with or sealed under another secret. */
  open(sealed: string): string {
    const raw = Buffer.from(sealed, 'base64url');
    const decipher = createDecipheriv('aes-256-gcm', this.sealKey(), raw.subarray(0, 12));
    decipher.setAuthTag(raw.subarray(12, 28));
    return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
  }

  private sealKey(): Buffer {
    return Buffer.from(hkdfSync('sha256', this.config.get('JWT_SECRET'), 'race-safe-backend', 'outbox-seal/v1', 32));
  }

  /**
   * A fast hash is right here: the token has 256 bits of entropy, so there is nothing to
   * brute-force; what matters is that a database leak does not yield usable tokens.
   */
  hashOpaqueToken(token: string): string {
    return createHash('sha256').update(token, 'utf8').digest('hex');
  }
}
