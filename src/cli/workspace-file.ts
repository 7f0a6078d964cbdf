import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** Where terraform keeps the selected workspace: `<TF_DATA_DIR or .terraform>/environment`. */
export function environmentFile(cwd: string, env: Record<string, string | undefined>): string {
  return path.join(path.resolve(cwd, env.TF_DATA_DIR || '.terraform'), 'environment');
}

/** Selects a workspace as `terraform workspace select` does (the name, no trailing newline). */
export async function writeSelectedWorkspace(
  cwd: string,
  env: Record<string, string | undefined>,
  name: string,
): Promise<void> {
  const file = environmentFile(cwd, env);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, name);
}
