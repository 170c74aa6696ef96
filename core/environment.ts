// Every process reads its configuration from the environment once, at start-up, through a zod schema,
// and stops with one readable line per problem rather than a stack trace.
import type { z } from 'zod';

export class ConfigError extends Error {}

export function parseEnvironment<Schema extends z.ZodType>(
  schema: Schema,
  env: Record<string, string | undefined>,
): z.infer<Schema> {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`).join('\n');
    throw new ConfigError(`invalid configuration in the environment:\n${problems}`);
  }
  return parsed.data;
}
