import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { readSecret } from './password-prompt';
import { callAsOperator, savedTarget } from './session-client';
import { removeSession, type SavedSession, saveSession, sessionFilePath } from './session-file';

/** `outpost login` and `outpost logout`: an operator session saved for the other commands. */
export function registerLoginCommands(program: Command): void {
  program
    .command('login')
    .description(
      'log in as an operator; the token is saved (mode 0600) in ~/.config/outpost/session.json or $OUTPOST_SESSION_FILE',
    )
    .option('--url <url>', 'the hub API, e.g. https://hub.site1.lan:8443 (env OUTPOST_URL)')
    .option('--ca <file>', "PEM file of the hub's CA (env OUTPOST_CA; default the system's CAs)")
    .option('--user <name>', 'the operator account (env OUTPOST_USER; default admin)')
    .action(async (opts: Record<string, unknown>) => {
      const env = process.env;
      const url = (typeof opts.url === 'string' && opts.url) || env.OUTPOST_URL;
      if (!url) throw new Error('Give --url https://<hub>:8443 or set OUTPOST_URL.');
      const caFlag = (typeof opts.ca === 'string' && opts.ca) || env.OUTPOST_CA || undefined;
      const caPath = caFlag ? path.resolve(caFlag) : undefined;
      const ca = caPath ? await readFile(caPath, 'utf8') : undefined;
      const username = (typeof opts.user === 'string' && opts.user) || env.OUTPOST_USER || 'admin';
      const password = await readSecret({
        env,
        envName: 'OUTPOST_PASSWORD',
        prompt: `Password for ${username}: `,
      });
      const answer = (await callAsOperator(
        { url: new URL(url), ...(ca !== undefined ? { ca } : {}) },
        'POST',
        '/api/v1/login',
        { username, password },
      )) as { token: string; expiresAt: string; user: { name: string; role: string } };
      const file = sessionFilePath(env);
      const session: SavedSession = {
        url: new URL(url).origin,
        ...(caPath ? { ca: caPath } : {}),
        token: answer.token,
        expiresAt: answer.expiresAt,
        user: answer.user,
      };
      await saveSession(file, session);
      process.stdout.write(
        `logged in as ${answer.user.name} (${answer.user.role}) until ${answer.expiresAt}; saved in ${file}\n`,
      );
    });

  program
    .command('logout')
    .description('revoke the saved login on the hub and delete it locally')
    .action(async () => {
      const file = sessionFilePath(process.env);
      let revoked = true;
      try {
        const { target } = await savedTarget(process.env);
        await callAsOperator(target, 'POST', '/api/v1/logout');
      } catch (err) {
        revoked = false;
        process.stderr.write(`outpost: could not revoke the token on the hub: ${(err as Error).message}\n`);
      }
      const removed = await removeSession(file);
      process.stdout.write(
        `${removed ? 'logged out' : 'no saved login'}${revoked ? '' : ' (locally only)'}\n`,
      );
    });
}
