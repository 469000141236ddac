/** Password policy shared by signup, user creation and password reset. */
export const PASSWORD_MIN_LENGTH = 10;
/** argon2 accepts more, but an upper bound keeps hashing cost bounded per request. */
export const PASSWORD_MAX_LENGTH = 128;
