import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { loadSmithyConfig } from './load-sdk.ts';

/** The shared config and credentials files one factory reads. */
export interface SharedFilePaths {
  /** `shared_config_files`, else `AWS_CONFIG_FILE` (or `AWS_SHARED_CONFIG_FILE`), else `~/.aws/config`. */
  config: string[];
  /** `shared_credentials_files`, else `AWS_SHARED_CREDENTIALS_FILE`, else `~/.aws/credentials`. */
  credentials: string[];
}

/** Expands a leading `~` the way aws-sdk-go-base does (`~` and `~/…`), with HOME from `env`. */
export function expandHome(path: string, env: Record<string, string | undefined>): string {
  const home = env['HOME'] || env['USERPROFILE'] || homedir();
  if (path === '~') return home;
  if (path.startsWith('~/')) return join(home, path.slice(2));
  return path;
}

/** Resolves which shared files apply (list options beat the environment, which beats the default). */
export function resolveSharedFilePaths(
  opts: { sharedConfigFiles?: string[] | undefined; sharedCredentialsFiles?: string[] | undefined },
  env: Record<string, string | undefined>,
): SharedFilePaths {
  const config =
    opts.sharedConfigFiles && opts.sharedConfigFiles.length > 0
      ? opts.sharedConfigFiles
      : [env['AWS_CONFIG_FILE'] || env['AWS_SHARED_CONFIG_FILE'] || '~/.aws/config'];
  const credentials =
    opts.sharedCredentialsFiles && opts.sharedCredentialsFiles.length > 0
      ? opts.sharedCredentialsFiles
      : [env['AWS_SHARED_CREDENTIALS_FILE'] || '~/.aws/credentials'];
  return {
    config: config.map((p) => expandHome(p, env)),
    credentials: credentials.map((p) => expandHome(p, env)),
  };
}

async function readAll(paths: string[]): Promise<string> {
  const parts: string[] = [];
  for (const p of paths) {
    try {
      parts.push(await readFile(p, 'utf8'));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
  }
  // Later files win key by key, as in aws-sdk-go-v2 (the ini parser merges repeated sections).
  return parts.join('\n');
}

let seq = 0;

/**
 * The merged view of several shared files, registered with the SDK's ini loader under virtual
 * paths (in memory only, never written to disk), so that every SDK provider that reads profiles
 * (`fromIni`, `credential_process`, SSO) sees the same merged data.
 */
export class SharedAwsFiles {
  /** Virtual path handed to the SDK as `configFilepath`. */
  readonly configPath: string;
  /** Virtual path handed to the SDK as `filepath`. */
  readonly credentialsPath: string;
  readonly paths: SharedFilePaths;
  #loaded:
    | Promise<{
        config: Record<string, Record<string, string>>;
        credentials: Record<string, Record<string, string>>;
      }>
    | undefined;

  constructor(paths: SharedFilePaths) {
    this.paths = paths;
    const id = `${process.pid}-${++seq}`;
    this.configPath = `/__s3state_virtual__/${id}/config`;
    this.credentialsPath = `/__s3state_virtual__/${id}/credentials`;
  }

  /** Reads the files once and returns the parsed profiles (config profiles without the `profile ` prefix). */
  load(): Promise<{
    config: Record<string, Record<string, string>>;
    credentials: Record<string, Record<string, string>>;
  }> {
    this.#loaded ??= (async () => {
      const [configText, credentialsText] = await Promise.all([
        readAll(this.paths.config),
        readAll(this.paths.credentials),
      ]);
      const { externalDataInterceptor, loadSharedConfigFiles } = loadSmithyConfig();
      externalDataInterceptor.interceptFile(this.configPath, configText);
      externalDataInterceptor.interceptFile(this.credentialsPath, credentialsText);
      const parsed = await loadSharedConfigFiles({
        filepath: this.credentialsPath,
        configFilepath: this.configPath,
      });
      return {
        config: parsed.configFile as Record<string, Record<string, string>>,
        credentials: parsed.credentialsFile as Record<string, Record<string, string>>,
      };
    })();
    return this.#loaded;
  }

  /** The merged settings of one profile (credentials file keys beat config file keys), or undefined. */
  async profile(name: string): Promise<Record<string, string> | undefined> {
    const { config, credentials } = await this.load();
    const c = config[name];
    const k = credentials[name];
    if (!c && !k) return undefined;
    return { ...c, ...k };
  }

  /** Forgets the in-memory copies (they may hold secrets). */
  dispose(): void {
    if (!this.#loaded) return; // nothing was read, and the SDK is not loaded for nothing
    const rec = loadSmithyConfig().externalDataInterceptor.getFileRecord();
    delete rec[this.configPath];
    delete rec[this.credentialsPath];
    this.#loaded = undefined;
  }
}
