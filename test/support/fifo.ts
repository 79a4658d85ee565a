/**
 * A FIFO for tests of refused inputs, with a writer that holds it open for two seconds: code
 * that opens it as a file then waits for the writer and reads nothing, instead of blocking the
 * test run for good (an open without a writer never returns).
 */
import { execFileSync, spawn } from 'node:child_process';

/** Makes a FIFO at `file` (owner-only, as a key file must be); the returned function ends its writer. */
export function fifoWithWriter(file: string): () => void {
  execFileSync('mkfifo', ['-m', '600', file]);
  const writer = spawn('sh', ['-c', 'exec 3>"$1"; exec sleep 2', 'sh', file], {
    stdio: 'ignore',
  });
  return () => {
    writer.kill();
  };
}
