// The raw NATS baseline's responder, run as its own process so a round trip crosses processes as a Solo
// call does: echoes requests on one subject, and on another answers with a reply of the requested size.
import { connect } from 'nats';

const [url, echoSubject, sizedSubject] = process.argv.slice(2);
if (!url || !echoSubject || !sizedSubject) throw new Error('usage: echo-responder.ts <nats url> <echo subject> <sized subject>');

const nc = await connect({ servers: url, name: 'bench-echo-responder' });
const sized = new Map<number, Uint8Array>();
nc.subscribe(echoSubject, { callback: (_err, msg) => msg.respond(msg.data) });
nc.subscribe(sizedSubject, {
  callback: (_err, msg) => {
    const size = Number(msg.string());
    let body = sized.get(size);
    if (!body) {
      // A JSON-ish body of exactly `size` bytes, built once per size so the baseline times only the transfer.
      body = new TextEncoder().encode(`"${'x'.repeat(Math.max(0, size - 2))}"`);
      sized.set(size, body);
    }
    msg.respond(body);
  },
});
await nc.flush();
process.stdout.write('ready\n');
process.once('SIGTERM', () => {
  void nc.close().then(() => process.exit(0));
});
