import { describe, expect, it } from '@jest/globals';
import { Writable } from 'node:stream';
import { coalesceWrites } from './socket-write-coalescing.js';

// coalesceWrites against a stand-in for engine.io's WebSocket transport (its send/writable
// contract) over a real Node stream with cork/uncork. The same path over a real Socket.IO
// connection and TCP socket: realtime.e2e-spec.ts, "writes the frames a socket is sent in one pass
// with one system call".

/** engine.io 6's WebSocket transport, reduced to its flow control: not writable until the last packet's write callback. */
class Transport {
  readonly name = 'websocket';
  writable = true;
  drains = 0;
  constructor(readonly socket: { _socket: Writable; readonly bufferedAmount: number }) {}
  send(packets: string[]): void {
    this.writable = false;
    packets.forEach((packet, i) => {
      const last = i === packets.length - 1;
      this.socket._socket.write(packet, last ? () => ((this.drains += 1), (this.writable = true)) : undefined);
    });
  }
}

/** A stream that records each write or writev; with `hold`, it keeps the callbacks (a kernel buffer that is full). */
function tcp() {
  const calls: string[][] = [];
  const held: (() => void)[] = [];
  let hold = false;
  const take = (chunks: string[], done: () => void) => {
    calls.push(chunks);
    if (hold) held.push(done);
    else done();
  };
  const stream = new Writable({
    write: (chunk: Buffer, _encoding, done) => take([String(chunk)], () => done()),
    writev: (chunks, done) => take(chunks.map((c) => String(c.chunk)), () => done()),
  });
  return {
    stream,
    calls,
    hold: () => void (hold = true),
    release: () => held.splice(0).forEach((done) => done()),
  };
}

const endOfPass = () => new Promise<void>((resolve) => setImmediate(resolve));

function connection() {
  const socket = tcp();
  // ws's bufferedAmount: what its TCP socket still holds (ws's own queue is empty without compression).
  const transport = new Transport({ _socket: socket.stream, get bufferedAmount() { return socket.stream.writableLength; } });
  coalesceWrites({ transport });
  return { socket, transport };
}

describe('coalesceWrites', () => {
  it('keeps the transport writable through a pass and writes all its packets in one writev', async () => {
    const { socket, transport } = connection();
    for (const packet of ['a', 'b', 'c']) {
      // engine.io hands a packet to the transport only while it is writable.
      expect(transport.writable).toBe(true);
      transport.send([packet]);
    }
    expect(socket.calls).toEqual([]); // corked until the pass ends
    await endOfPass();
    expect(socket.calls).toEqual([['a', 'b', 'c']]);
    expect(transport.drains).toBe(3); // every send's callback, in order
    expect(transport.writable).toBe(true);
  });

  it("falls back to engine.io's flow control when the kernel does not take a pass's frames", async () => {
    const { socket, transport } = connection();
    socket.hold();
    transport.send(['a']);
    transport.send(['b']);
    await endOfPass();
    expect(socket.calls).toEqual([['a', 'b']]);
    // Bytes still queued: later packets wait in engine.io until the write callback.
    expect(transport.writable).toBe(false);
    socket.release();
    await endOfPass();
    expect(transport.writable).toBe(true);
    expect(transport.drains).toBe(2);
  });

  it('does not keep the transport writable in a pass that begins with bytes still queued', async () => {
    const { socket, transport } = connection();
    socket.hold();
    transport.send(['a']);
    await endOfPass();
    // Defensive: a first callback of several can make the transport writable while later bytes
    // wait; set by hand here.
    transport.writable = true;
    transport.send(['b']);
    expect(transport.writable).toBe(false);
    await endOfPass();
    expect(socket.calls).toEqual([['a']]); // 'b' waits in the stream behind 'a'
    socket.release();
    await endOfPass();
    expect(socket.calls).toEqual([['a'], ['b']]);
    socket.release();
    await endOfPass();
    expect(transport.writable).toBe(true);
    expect(transport.drains).toBe(2);
  });

  it('leaves a transport that is not a WebSocket as it is', () => {
    const transport = { name: 'polling', writable: true, send: () => undefined };
    const send = transport.send;
    coalesceWrites({ transport });
    expect(transport.send).toBe(send);
  });
});
