/** 舆情等级 (DESIGN §3): 一般 blue < 较大 yellow < 重大 orange < 特别重大 red. */
export const RISK_LEVELS = ['blue', 'yellow', 'orange', 'red'] as const;
export type RiskLevel = (typeof RISK_LEVELS)[number];

export const RISK_LEVEL_LABELS: Record<RiskLevel, string> = {
  blue: '一般',
  yellow: '较大',
  orange: '重大',
  red: '特别重大',
};

export function levelRank(level: string | null | undefined): number {
  const i = RISK_LEVELS.indexOf((level ?? 'blue') as RiskLevel);
  return i < 0 ? 0 : i;
}

/** Whether `level` is at or above `min`. */
export function atLeast(level: string | null | undefined, min: string | null | undefined): boolean {
  return levelRank(level) >= levelRank(min);
}

export function isRiskLevel(v: unknown): v is RiskLevel {
  return typeof v === 'string' && (RISK_LEVELS as readonly string[]).includes(v);
}
