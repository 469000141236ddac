import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import { adjacencyGraphs, dictionary } from '@zxcvbn-ts/language-common';
import { registerDecorator, ValidationArguments } from 'class-validator';

/** Password policy shared by signup, user creation and password reset. */
export const PASSWORD_MIN_LENGTH = 10;
/** argon2 accepts more, but an upper bound keeps hashing cost bounded per request. */
export const PASSWORD_MAX_LENGTH = 128;
/**
 * zxcvbn's score (0–4) a password needs: 3 means about 10^8 guesses, out of reach of online
 * guessing and costly offline against argon2. Common passwords and their variants score 0–1.
 */
export const PASSWORD_MIN_SCORE = 3;

/**
 * The estimator with zxcvbn's common-password lists and keyboard patterns only: the language
 * word lists would add no common passwords but make each check an order of magnitude slower,
 * and this runs on the event loop of public routes. Immutable once built.
 */
const strength = new ZxcvbnFactory({ dictionary, graphs: adjacencyGraphs, maxLength: 64 });

/** Why a password is refused, or undefined when it is acceptable. */
export function passwordProblem(password: unknown, userInputs: string[] = []): string | undefined {
  // @IsString, @MinLength and @MaxLength report those (one message per problem).
  if (typeof password !== 'string' || password.length < PASSWORD_MIN_LENGTH || password.length > PASSWORD_MAX_LENGTH) return undefined;
  if (!/\S/u.test(password)) return 'must not be only whitespace';
  if (/\p{Cc}/u.test(password)) return 'must not contain control characters';
  // An email's local part is what a password is most often built from.
  const inputs = userInputs.flatMap((input) => [input, input.split('@')[0]]);
  if (strength.check(password, inputs).score < PASSWORD_MIN_SCORE) {
    return 'is too easy to guess (a common password, a pattern, or close to the email or name); a few unrelated words work well';
  }
  return undefined;
}

/**
 * DTO property decorator, beside `@MinLength`/`@MaxLength`: refuses whitespace-only passwords,
 * control characters, and passwords zxcvbn rates guessable — also against the email and display
 * name in the same body.
 */
export function IsAcceptablePassword(): PropertyDecorator {
  const inputsOf = (args: ValidationArguments): string[] =>
    ['email', 'displayName'].map((k) => (args.object as Record<string, unknown>)[k]).filter((v): v is string => typeof v === 'string');
  return (target: object, propertyName: string | symbol) => {
    registerDecorator({
      name: 'isAcceptablePassword',
      target: target.constructor,
      propertyName: String(propertyName),
      validator: {
        validate: (value: unknown, args: ValidationArguments) => passwordProblem(value, inputsOf(args)) === undefined,
        defaultMessage: (args: ValidationArguments) => `${args.property} ${passwordProblem(args.value, inputsOf(args)) ?? 'is not acceptable'}`,
      },
    });
  };
}
