/** A rule of the domain was broken by the input. `code` is stable (UI translates it); `message` says what to fix. */
export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = "DomainError";
  }
}

export type DomainErrorCode =
  | "NEGATIVE_AMOUNT"
  | "NOT_INTEGER_FEN"
  | "BAD_RATE"
  | "BAD_DAYS"
  | "BAD_BASIS"
  | "BAD_DATE"
  | "END_BEFORE_START"
  | "BAD_METHOD"
  | "BAD_TERM"
  | "BAD_SHARES"
  | "BAD_RATIO"
  | "BAD_MONEY_STRING"
  | "NO_POLICY"
  | "NO_LPR";

export function fail(code: DomainErrorCode, message: string, field?: string): never {
  throw new DomainError(code, message, field);
}
