/** Reads a password from the terminal without echoing it; Ctrl-C cancels. */
export function promptHidden(question: string): Promise<string> {
  const input = process.stdin;
  const output = process.stderr;
  return new Promise((resolve, reject) => {
    output.write(question);
    input.setRawMode(true);
    input.setEncoding('utf8');
    input.resume();
    let chars: string[] = [];
    const finish = (err?: Error) => {
      input.off('data', onData);
      input.setRawMode(false);
      input.pause();
      output.write('\n');
      if (err) reject(err);
      else resolve(chars.join(''));
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') return finish();
        if (ch === '\u0003') return finish(new Error('cancelled'));
        if (ch === '\u007f' || ch === '\b') chars = chars.slice(0, -1);
        else chars.push(ch);
      }
    };
    input.on('data', onData);
  });
}

/**
 * A secret from the environment variable `envName`, else typed at a hidden prompt (twice when
 * `confirm`). Without a terminal and without the variable it fails rather than wait on stdin.
 */
export async function readSecret(options: {
  env: NodeJS.ProcessEnv;
  envName: string;
  prompt: string;
  confirm?: boolean;
}): Promise<string> {
  const fromEnv = options.env[options.envName];
  if (fromEnv) return fromEnv;
  if (!process.stdin.isTTY) {
    throw new Error(`No terminal to ask for the password: set ${options.envName}.`);
  }
  const first = await promptHidden(options.prompt);
  if (options.confirm && (await promptHidden('Again: ')) !== first) {
    throw new Error('The two passwords differ.');
  }
  return first;
}
