/** A command line that cannot be run as written (unknown command or flag, missing argument): exit code 2 with help. */
export class UsageError extends Error {
  /** The command whose help to print, when known. */
  readonly command: string | undefined;

  constructor(message: string, command?: string) {
    super(message);
    this.name = 'UsageError';
    this.command = command;
  }

  static isInstance(error: unknown): error is UsageError {
    return error instanceof Error && error.name === 'UsageError' && 'command' in error;
  }
}
