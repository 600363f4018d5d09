import type { Socket as NetSocket } from 'node:net';

/** The parts of engine.io's WebSocket transport (engine.io 6, build/transports/websocket.js) used here. */
interface WebSocketTransport {
  readonly name: string;
  /** The `ws` WebSocket; `_socket` is its TCP socket (ws 8, lib/websocket.js). */
  readonly socket?: { _socket?: NetSocket };
  send(packets: unknown[]): void;
}

/** The parts of an engine.io connection (engine.io 6 `Socket`) used here. */
interface EngineConnection {
  transport: WebSocketTransport;
}

function uncork(socket: NetSocket): void {
  socket.uncork();
}

/**
 * `send` for a WebSocket transport (installed by `coalesceWrites`): corks the TCP socket until the
 * current pass ends, then sends as the transport would. A pass is the current callback, or the
 * current run of promise continuations, up to Node's next `process.nextTick` queue. Frames written
 * meanwhile go out in one `writev` instead of one `write` each.
 */
function coalescedSend(this: WebSocketTransport, packets: unknown[]): void {
  const tcp = this.socket?._socket;
  if (tcp && !tcp.destroyed && tcp.writableCorked === 0) {
    tcp.cork();
    process.nextTick(uncork, tcp);
  }
  // The transport class's own send (coalesceWrites sets this function on the instance only).
  (Object.getPrototypeOf(this) as WebSocketTransport).send.call(this, packets);
}

/**
 * Makes a Socket.IO connection write the frames it is sent in one pass of the event loop with
 * usually two system calls instead of one each (Node's `cork`/`uncork`, which joins the queued
 * writes into one `writev`; more when a slow client's kernel buffer is full, or past libuv's 1,024
 * buffers per `writev`, about 500 frames). Such bursts are the events of a group-commit batch, which reach every
 * socket of the board's room in one synchronous loop (on the committing replica, and on the others
 * from one Redis read). Without it each Socket.IO packet is its own `write`: engine.io's WebSocket
 * transport sends each packet with its own `ws` `send` (engine.io batches packets only for HTTP
 * long-polling), and on a hot board with viewers that was one `write` per delivery
 * (docs/benchmarks.md, "Frames of one pass written together"). The first packet of a pass goes out
 * when the pass ends; the packets that come while engine.io waits for that write's callback are
 * queued by engine.io and sent together after it (the second system call). No timer, so no
 * latency beyond the pass itself. Only for connections that start on the WebSocket transport
 * (Tasklane's clients use only it); a long-polling connection, or one upgraded later, is left as
 * it is. Call it from `io.engine.on('connection')`; it sets `send` on the transport instance.
 * @param connection an engine.io connection (`Socket` of engine.io 6)
 */
export function coalesceWrites(connection: EngineConnection): void {
  const transport = connection.transport;
  if (transport.name !== 'websocket') return;
  transport.send = coalescedSend;
}
