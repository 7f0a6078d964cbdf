import type { CommandContext } from './command-context.ts';
import { S3StateError } from '../errors.ts';

/** Thrown by commands whose library part has not landed yet. */
export function notAvailable(ctx: CommandContext): never {
  throw new S3StateError('INTERNAL', `"s3state ${ctx.command}" is not available yet`, {
    detail: 'This build of s3state does not include the library part this command needs.',
  });
}
