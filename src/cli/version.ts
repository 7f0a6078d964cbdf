import pkg from '../../package.json' with { type: 'json' };

/** The s3state version (from package.json). */
export const VERSION: string = pkg.version;
