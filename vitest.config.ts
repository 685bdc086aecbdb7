import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Tests spawn real processes and servers and mostly wait on them: four files at once keep two cores busy
    // (the whole suite in about 5 minutes, against 6 with three), and a small pool keeps timing assertions honest.
    maxWorkers: 4,
  },
})
