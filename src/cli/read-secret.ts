import { createInterface } from 'node:readline';
import { UserError } from '../shared/errors.ts';

/** Reads a secret from the terminal without echoing it; refuses when there is no terminal. */
export async function readSecret(prompt: string): Promise<string> {
  if (!process.stdin.isTTY) throw new UserError('No password given: set PARLEY_PASSWORD or run in a terminal');
  const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: true });
  const out = rl as unknown as { _writeToOutput: (s: string) => void; output: NodeJS.WriteStream };
  let prompted = false;
  out._writeToOutput = (s: string) => {
    if (!prompted) { out.output.write(s); prompted = true; }
  };
  try {
    return await new Promise<string>((resolve) => rl.question(prompt, resolve));
  } finally {
    rl.close();
    process.stdout.write('\n');
  }
}
