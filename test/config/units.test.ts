import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  ageSchema,
  durationSchema,
  formatDuration,
  formatPercentage,
  parseDuration,
  parsePercentage,
  percentageSchema,
  positiveDurationSchema,
} from '../../src/config-parts/units.js'

describe('durations', () => {
  it.each([
    ['500ms', 500],
    ['30s', 30_000],
    ['5m', 300_000],
    ['2h', 7_200_000],
    ['30d', 2_592_000_000],
    ['1h30m', 5_400_000],
    ['1.5s', 1500],
    [' 10m ', 600_000],
    ['0s', 0],
  ])('%s is %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms)
  })

  it.each(['thirty', '30', '', '30 s', 's', '1m30m', '-5s', '5sec', '1.s'])('%j is not a duration', (text) => {
    expect(parseDuration(text)).toBeUndefined()
  })

  it('formats to the shortest compound form', () => {
    expect(formatDuration(5_400_000)).toBe('1h30m')
    expect(formatDuration(2_592_000_000)).toBe('30d')
    expect(formatDuration(500)).toBe('500ms')
    expect(formatDuration(0)).toBe('0s')
  })

  it('round-trips: parse(format(ms)) === ms for any whole number of milliseconds', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 10 ** 12 }), (ms) => parseDuration(formatDuration(ms)) === ms))
  })

  it('round-trips: format(parse(text)) is the canonical form of a compound duration', () => {
    const part = (unit: string) =>
      fc.option(
        fc.integer({ min: 1, max: 99 }).map((n) => `${n}${unit}`),
        { nil: '' },
      )
    const text = fc.tuple(part('d'), part('h'), part('m'), part('s'), part('ms')).map((parts) => parts.join(''))
    fc.assert(
      fc.property(text, (t) => {
        fc.pre(t !== '')
        const ms = parseDuration(t)!
        return parseDuration(formatDuration(ms)) === ms
      }),
    )
  })

  it('schema: milliseconds, or the message with the offending value', () => {
    expect(durationSchema().parse('1h30m')).toBe(5_400_000)
    for (const bad of ['thirty', 30, null]) {
      const result = durationSchema().safeParse(bad)
      expect(result.success).toBe(false)
      expect(result.error?.issues[0]?.message).toBe('expected a duration such as 30s, got {got}')
    }
    expect(positiveDurationSchema().safeParse('0s').error?.issues[0]?.message).toBe(
      'expected a duration greater than 0 such as 30s, got {got}',
    )
  })

  it('schema: a timer up to a year and an age up to a century; above, `at most MAX`', () => {
    expect(durationSchema().parse('365d')).toBe(365 * 86_400_000)
    expect(positiveDurationSchema().parse('8760h')).toBe(365 * 86_400_000)
    expect(ageSchema().parse('36525d')).toBe(36_525 * 86_400_000)
    // 30-day retention, the seeds' default, is well inside.
    expect(ageSchema().parse('30d')).toBe(2_592_000_000)
    for (const [schema, above, max] of [
      [durationSchema(), '365d1ms', '365d'],
      [positiveDurationSchema(), '366d', '365d'],
      [ageSchema(), '36526d', '36525d'],
    ] as const) {
      expect(schema.safeParse(above).error?.issues[0]?.message).toBe(`at most ${max}, got {got}`)
    }
  })
})

describe('percentages', () => {
  it.each([
    ['5%', 0.05],
    ['0.5%', 0.005],
    ['1%', 0.01],
    ['99%', 0.99],
    ['100%', 1],
    ['0%', 0],
  ])('%s is %d', (text, value) => {
    expect(parsePercentage(text)).toBe(value)
  })

  it.each(['5', 'five%', '101%', '-1%', '%'])('%j is not a percentage', (text) => {
    expect(parsePercentage(text)).toBeUndefined()
  })

  it('round-trips for percentages with up to three decimals', () => {
    const percent = fc.integer({ min: 0, max: 100_000 }).map((n) => n / 1000)
    fc.assert(fc.property(percent, (p) => formatPercentage(parsePercentage(`${p}%`)!) === `${p}%`))
  })

  it('schema message', () => {
    expect(percentageSchema().parse('5%')).toBe(0.05)
    expect(percentageSchema().safeParse('five').error?.issues[0]?.message).toBe('expected a percentage such as 5%, got {got}')
  })
})
