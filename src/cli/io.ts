/**
 * What a command touches outside itself, injectable so commands are tested without spawning.
 * Exit codes scripts can rely on: 0 success; 1 the command ran and found something (scan findings,
 * a failed verification); 2 an error (bad usage, bad configuration, unreadable input, storage).
 */
export const EXIT_OK = 0;
export const EXIT_FOUND = 1;
export const EXIT_ERROR = 2;

export interface CliIo {
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean };
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean };
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  /** Resolves when the process is asked to stop (SIGINT/SIGTERM); used by long-running commands. */
  readonly stopSignal: () => Promise<string>;
  /** For commands whose outcome is not an error but still not success (e.g. scan found data). */
  readonly setExitCode: (code: number) => void;
}

export function processIo(): CliIo {
  return {
    setExitCode: (code) => {
      process.exitCode = code;
    },
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
    stopSignal: () =>
      new Promise((resolve) => {
        const stop = (signal: string) => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          resolve(signal);
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      }),
  };
}

/** An error to report as one line and exit with `exitCode`. */
export class CliError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode: number = EXIT_ERROR) {
    super(message);
    this.name = 'CliError';
    this.exitCode = exitCode;
  }
}
