import type { Socket as NetSocket } from 'node:net';

/** The parts of the TCP socket used here (Node's `net.Socket`, a Writable stream). */
type TcpSocket = Pick<NetSocket, 'cork' | 'uncork' | 'writableCorked' | 'destroyed'>;

/** The parts of engine.io's WebSocket transport (engine.io 6, build/transports/websocket.js) used here. */
interface WebSocketTransport {
  readonly name: string;
  /**
   * The `ws` WebSocket: `_socket` is its TCP socket, `bufferedAmount` the bytes it has not handed
   * to the kernel yet, in the TCP socket and in ws's own queue (ws 8, lib/websocket.js).
   */
  readonly socket?: { _socket?: TcpSocket; readonly bufferedAmount: number };
  /**
   * engine.io's flow control: `send` sets it to false, and the callback of the last packet's
   * `ws.send` (once the frame is written) sets it back to true and emits `drain`; meanwhile the
   * engine.io Socket queues what it is sent in its write buffer.
   */
  writable: boolean;
  send(packets: unknown[]): void;
}

/** The parts of an engine.io connection (engine.io 6 `Socket`) used here. */
interface EngineConnection {
  transport: WebSocketTransport;
}

/** Transports in a pass that began with nothing queued in their TCP socket: they take every packet of the pass at once. */
const open = new WeakSet<WebSocketTransport>();

/**
 * The end of a pass: writes what the pass queued (one `writev`). When the kernel did not take it
 * all (a client that reads slower than it is sent), the transport waits for the write callbacks
 * as engine.io's own flow control would, so later packets queue in engine.io, not in the socket.
 */
function endPass(transport: WebSocketTransport, tcp: TcpSocket): void {
  open.delete(transport);
  tcp.uncork();
  if ((transport.socket?.bufferedAmount ?? 0) > 0) transport.writable = false;
}

/**
 * `send` for a WebSocket transport (installed by `coalesceWrites`): corks the TCP socket until the
 * current pass ends, then sends as the transport would. A pass is the current callback, or the
 * current run of promise continuations, up to Node's next `process.nextTick` queue. When the pass
 * began with nothing queued in the socket, the transport stays writable until the pass ends, so
 * engine.io hands it every packet of the pass at once instead of queueing them behind the first
 * one's write callback: all of them go out in one `writev`.
 */
function coalescedSend(this: WebSocketTransport, packets: unknown[]): void {
  const tcp = this.socket?._socket;
  if (tcp && !tcp.destroyed && tcp.writableCorked === 0) {
    tcp.cork();
    if (this.socket?.bufferedAmount === 0) open.add(this);
    process.nextTick(endPass, this, tcp);
  }
  // The transport class's own send (coalesceWrites sets this function on the instance only): it
  // sets `writable` to false until the last packet's write callback.
  (Object.getPrototypeOf(this) as WebSocketTransport).send.call(this, packets);
  // Corked, the frames only queue in the socket: the transport can take more in this pass. Every
  // send still gets its write callback, its `drain` and its engine.io send callbacks, in order.
  if (open.has(this)) this.writable = true;
}

/**
 * Makes a Socket.IO connection write the frames it is sent in one pass of the event loop with one
 * system call instead of one each (Node's `cork`/`uncork`, which joins the queued writes into one
 * `writev`; more when a slow client's kernel buffer is full, or past libuv's 1,024 buffers per
 * `writev`, about 500 frames). Such bursts are the events of a group-commit batch, which reach
 * every socket of the board's room in one synchronous loop (on the committing replica, and on the
 * others from one Redis read), and a `board:join`'s `board:seq` notice and acknowledgement. Without
 * it each Socket.IO packet is its own `write`: engine.io's WebSocket transport sends each packet
 * with its own `ws` `send` (engine.io batches packets only for HTTP long-polling), and on a hot
 * board with viewers that was one `write` per delivery (docs/benchmarks.md, "Frames of one pass
 * written together"). While the pass lasts the transport stays writable, so engine.io does not
 * hold the later packets back until the first one's write callback (which made a burst two system
 * calls until 2026-12-03); a socket that still has bytes queued when a pass begins or ends (a slow
 * reader) keeps engine.io's own flow control: at most one pass's frames wait in the socket, the
 * rest in engine.io. Socket.IO's `volatile` packets, dropped while the transport is not writable,
 * are delivered during a pass (Tasklane sends none). No timer, so no
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
