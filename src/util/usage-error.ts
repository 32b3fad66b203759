// A usage error of the command line (a bad flag, a missing file argument): the message for the
// user, and the command whose --help to point at. Every command's own usage errors extend it,
// so the entry point recognises them without loading the commands (they load on demand).
//
//   throw new UsageError("--points must be an integer ≥ 2, got `1`")   →   exit 2, "Run `crnnc --help` for usage."

export class UsageError extends Error {
  /** The command whose --help explains (`sweep`), or undefined for `crnnc --help`. */
  readonly helpFor?: string;
  constructor(message: string, helpFor?: string) {
    super(message);
    if (helpFor) this.helpFor = helpFor;
  }
}
