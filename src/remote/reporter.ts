/** One progress or warning event from the core. */
export interface CoreEvent {
  level: 'debug' | 'info' | 'warn';
  message: string;
}

/** Injected callback receiving the core's progress and swallowed-on-purpose warnings. */
export type CoreReporter = (event: CoreEvent) => void;

/** A reporter that drops everything. */
export const silentReporter: CoreReporter = () => undefined;
