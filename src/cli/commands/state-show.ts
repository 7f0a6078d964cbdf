import type { CommandContext } from '../command-context.ts';
import { StateError, UsageError } from '../../errors.ts';
import { EXIT } from '../exit-codes.ts';
import { expectArgs } from '../positionals.ts';
import { withSession } from '../session.ts';
import { allInstances, formatAddress, parseAddress, sameModule } from '../../state/addresses.ts';
import { noStateError } from '../state-edit-helpers.ts';
import { renderStateShow } from '../views/state-show-view.ts';
import { RAW_NULL } from '../../state/raw-json.ts';

/** `s3state state show ADDRESS`: one instance's current object as `terraform state show` prints it. */
export async function run(ctx: CommandContext): Promise<number> {
  const [text = ''] = expectArgs(ctx, 1, 1, 'address');
  const addr = parseAddress(text);
  if (addr.kind === 'module') {
    throw new UsageError('Error parsing instance address', {
      detail: `${text} is a module address; state show needs a resource instance address.`,
    });
  }
  return withSession(ctx, async (s) => {
    const mgr = await s.manager({ create: false });
    const read = await mgr.read();
    if (!read) throw noStateError();
    const key = addr.kind === 'instance' ? addr.key : undefined;
    const hit = allInstances(read.state).find(
      (f) =>
        f.address.mode === addr.mode &&
        f.address.type === addr.type &&
        f.address.name === addr.name &&
        f.address.key === key &&
        sameModule(f.address.module, addr.module),
    );
    const current = hit?.objects.find((o) => o.deposed === undefined);
    if (!hit || !current) {
      throw new StateError('No instance found for the given address!', {
        detail:
          'This command requires that the address references one specific instance.\n' +
          'To view the available instances, use "s3state state list". Please modify\n' +
          'the address to reference a specific instance.',
      });
    }
    ctx.io.out(
      renderStateShow({
        address: formatAddress(hit.address),
        mode: hit.resource.mode,
        type: hit.resource.type,
        name: hit.resource.name,
        provider: hit.resource.provider ?? current.provider ?? '',
        tainted: current.status === 'tainted',
        attributes: current.attributes ?? RAW_NULL,
        sensitiveAttributes: current.sensitiveAttributes,
      }),
    );
    return EXIT.OK;
  });
}
