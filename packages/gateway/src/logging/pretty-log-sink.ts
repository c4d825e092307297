// Human output of the node's log for a terminal (pino-pretty): `solo up` uses it only when stderr is a TTY,
// so pipes and files always get the JSON lines.
import { prettyFactory } from 'pino-pretty';

/** Turns the node's JSON log lines into coloured, readable text written through `write`. */
export function createPrettyLogSink(write: (text: string) => void, opts: { colorize?: boolean } = {}): (line: string) => void {
  const format = prettyFactory({ colorize: opts.colorize ?? true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'node_id' });
  return (line) => write(format(line));
}
