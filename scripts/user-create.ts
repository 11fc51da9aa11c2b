// npm run user:create -- --email E --name N [--admin]   (password from stdin or a prompt)
// Creates a CRM user from the shell, e.g. when provisioning a container. With the embedded database,
// stop the app first: the embedded database can be open in one process at a time.
import { parseArgs } from 'node:util';
import type { Database } from '@/db';
import { UserFacingError } from '@/lib/actions/errors';
import { newAccountSchema } from '@/lib/auth/schemas';
import { readSecret } from '@/lib/cli/read-secret';
import { runDatabaseCommand } from '@/lib/cli/run';
import { createUser } from '@/lib/users/service';

const usage = 'Usage: npm run user:create -- --email someone@example.com --name "Full Name" [--admin]  (password on stdin or prompted)';

async function createUserCommand(db: Database): Promise<number> {
  const { values } = parseArgs({
    options: { email: { type: 'string' }, name: { type: 'string' }, admin: { type: 'boolean', default: false } },
  });
  if (!values.email || !values.name) {
    console.error(usage);
    return 2;
  }
  const password = await readSecret('Password for the new user: ');
  const parsed = newAccountSchema.safeParse({ name: values.name, email: values.email, password, confirmPassword: password });
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${String(issue.path[0])}: ${issue.message}`);
    console.error(`Not created: ${problems.join(', ')} (passwords need at least 10 characters).`);
    return 2;
  }
  try {
    const user = await createUser(db, { ...parsed.data, role: values.admin ? 'admin' : 'member' });
    console.log(`Created ${user.role} ${user.email} (${user.id}).`);
    return 0;
  } catch (error) {
    if (error instanceof UserFacingError && error.messageKey === 'users.emailTaken') {
      console.error(`Not created: a user with the address ${parsed.data.email} already exists.`);
      return 1;
    }
    throw error;
  }
}

runDatabaseCommand(createUserCommand);

