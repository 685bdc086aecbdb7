import { createServer } from 'node:net'

/**
 * Ports are taken from below Linux's default ephemeral range (32768–60999): a port the OS hands out for
 * port 0 can be given to some client's outgoing connection between this check and the sample app's listen,
 * and with many tests connecting at once that happens. Below the range, only another listener can take it.
 */
const LOW = 20_000
const HIGH = 32_767
const TRIES = 50

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export async function freePort(): Promise<number> {
  for (let i = 0; i < TRIES; i++) {
    const port = LOW + Math.floor(Math.random() * (HIGH - LOW))
    if (await canListen(port)) return port
  }
  return listenOn(0)
}

async function canListen(port: number): Promise<boolean> {
  try {
    await listenOn(port)
    return true
  } catch {
    return false
  }
}

function listenOn(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer()
    srv.once('error', reject)
    srv.listen(port, '127.0.0.1', () => {
      const address = srv.address()
      srv.close(() => (address && typeof address === 'object' ? resolve(address.port) : reject(new Error('no port'))))
    })
  })
}
