/**
 * Exit codes of the `s3state` CLI (documented in `s3state help` and docs/cli.md).
 *
 * 1. `OK` (0) — success; for `lock info`: no lock is held.
 * 2. `ERROR` (1) — the command failed (configuration, AWS, state, cancelled confirmation …).
 * 3. `USAGE` (2) — bad command line: unknown command or flag, missing or invalid argument; nothing was written.
 * 4. `LOCKED` (3) — the state is locked by someone else (the holder is shown); for `lock info`: a lock is held.
 * 5. `BROKEN_PIPE` (141) — stdout's reader went away (`s3state state pull | head`); nothing is printed,
 *    and a shell sees the status of a program ended by SIGPIPE, as with `terraform state pull | head`.
 */
export const EXIT = {
  OK: 0,
  ERROR: 1,
  USAGE: 2,
  LOCKED: 3,
  BROKEN_PIPE: 141,
} as const;

/** One of the documented exit codes. */
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
