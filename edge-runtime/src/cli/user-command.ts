import { generatePassword, type UserView } from '@outpost/core';
import type { Command } from 'commander';
import { readSecret } from './password-prompt';
import { callAsOperator, savedTarget } from './session-client';
import { saveSession } from './session-file';

const usersPath = (name?: string) =>
  `/api/v1/users${name === undefined ? '' : `/${encodeURIComponent(name)}`}`;

function newPassword(env: NodeJS.ProcessEnv, forWhom: string): Promise<string> {
  return readSecret({
    env,
    envName: 'OUTPOST_NEW_PASSWORD',
    prompt: `New password for ${forWhom}: `,
    confirm: true,
  });
}

/** `outpost user list|add|set-role|passwd|remove`: operator accounts, using the saved login. */
export function registerUserCommand(program: Command): void {
  const user = program.command('user').description('operator accounts (admins; passwd also for yourself)');

  user
    .command('list')
    .description('list the accounts and their roles')
    .option('--json', 'print JSON')
    .action(async (opts: Record<string, unknown>) => {
      const { target } = await savedTarget(process.env);
      const users = (await callAsOperator(target, 'GET', usersPath())) as UserView[];
      if (opts.json) process.stdout.write(`${JSON.stringify(users, null, 2)}\n`);
      else
        for (const u of users)
          process.stdout.write(`${u.name.padEnd(24)} ${u.role.padEnd(9)} ${u.createdAt}\n`);
    });

  user
    .command('add <name>')
    .description('create an account; the password comes from OUTPOST_NEW_PASSWORD or a prompt')
    .requiredOption('--role <role>', 'admin, operator or viewer')
    .option('--generate-password', 'generate a password and print it once')
    .action(async (name: string, opts: Record<string, unknown>) => {
      const { target } = await savedTarget(process.env);
      const password = opts.generatePassword ? generatePassword() : await newPassword(process.env, name);
      await callAsOperator(target, 'POST', usersPath(), { name, role: opts.role, password });
      process.stdout.write(`created ${name} (${String(opts.role)})\n`);
      if (opts.generatePassword) process.stdout.write(`password: ${password}\n`);
    });

  user
    .command('set-role <name> <role>')
    .description('change the role of an account (the last admin stays admin)')
    .action(async (name: string, role: string) => {
      const { target } = await savedTarget(process.env);
      await callAsOperator(target, 'PATCH', usersPath(name), { role });
      process.stdout.write(`${name} is now ${role}\n`);
    });

  user
    .command('passwd [name]')
    .description(
      'change your own password (asks for the current one: OUTPOST_PASSWORD), or, as an admin, reset the password of <name>',
    )
    .action(async (name: string | undefined) => {
      const env = process.env;
      const { target, session, file } = await savedTarget(env);
      const self = session.user?.name;
      const who = name ?? self;
      if (!who) throw new Error('Name the account: outpost user passwd <name>.');
      if (who !== self) {
        await callAsOperator(target, 'PUT', `${usersPath(who)}/password`, {
          password: await newPassword(env, who),
        });
        process.stdout.write(`password of ${who} reset; their sessions have ended\n`);
        return;
      }
      const currentPassword = await readSecret({
        env,
        envName: 'OUTPOST_PASSWORD',
        prompt: 'Current password: ',
      });
      const password = await newPassword(env, who);
      // The change ends every session of the account; the hub answers with a fresh one.
      const fresh = (await callAsOperator(target, 'PUT', `${usersPath(who)}/password`, {
        currentPassword,
        password,
      })) as { token: string; expiresAt: string };
      await saveSession(file, { ...session, token: fresh.token, expiresAt: fresh.expiresAt });
      process.stdout.write('password changed; the saved login was renewed\n');
    });

  user
    .command('remove <name>')
    .description('delete an account (never the last admin); its sessions end')
    .action(async (name: string) => {
      const { target } = await savedTarget(process.env);
      await callAsOperator(target, 'DELETE', usersPath(name));
      process.stdout.write(`removed ${name}\n`);
    });
}
