import type { Server } from 'node:net'

/**
 * Ports of the fetch standard's "bad port" list (https://fetch.spec.whatwg.org/#port-blocking) above 1023,
 * on which fetch refuses to connect: X11's 6000 and Amanda's 10080 first.
 */
export const BAD_PORTS = [6000, 10080, 6566, 6665, 6666, 6667, 6668, 6669, 6679, 6697, 5060, 5061, 4190, 4045]

/** Listens on the first free bad port of 127.0.0.1 and returns it. */
export async function listenOnBadPort(server: Server): Promise<number> {
  for (const port of BAD_PORTS) {
    const listening = await new Promise<boolean>((done) => {
      const failed = () => done(false)
      server.once('error', failed)
      server.listen(port, '127.0.0.1', () => {
        server.off('error', failed)
        done(true)
      })
    })
    if (listening) return port
  }
  throw new Error(`every bad port is taken: ${BAD_PORTS.join(', ')}`)
}
