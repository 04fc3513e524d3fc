/** The words of the online mass line, one list each; the contract's enums carry the same (a test checks). */

/** The board's five types: 感谢, 建言, 求助, 投诉, 咨询. */
export const messageTypes = ['thanks', 'suggestion', 'help', 'complaint', 'consultation'] as const;
export type MessageType = (typeof messageTypes)[number];

export const messageStatuses = [
  'held',
  'submitted',
  'accepted',
  'returned',
  'assigned',
  'disputed',
  'replied',
  'closed',
  'merged',
] as const;
export type MessageStatus = (typeof messageStatuses)[number];

/** Why a message is returned (退回): abusive, a duplicate, outside the scope, for 信访 or a court. */
export const returnReasons = ['abusive', 'duplicate', 'outsideScope', 'petition', 'court'] as const;
export type ReturnReason = (typeof returnReasons)[number];

export const stepActions = [
  'submit',
  'hold',
  'release',
  'accept',
  'return',
  'assign',
  'dispute',
  'uphold',
  'reassign',
  'reply',
  'extend',
  'merge',
  'rate',
  'close',
  'warn',
  'overdue',
  'rectify',
  'revisit',
] as const;
export type StepAction = (typeof stepActions)[number];

/** 非常满意, 满意, 基本满意, 不满意, 非常不满意 (GB/T 39734). */
export const satisfactionLevels = ['verySatisfied', 'satisfied', 'basicallySatisfied', 'dissatisfied', 'veryDissatisfied'] as const;
export type Satisfaction = (typeof satisfactionLevels)[number];

export const revisitResults = ['resolved', 'unresolved', 'unreachable'] as const;
export type RevisitResult = (typeof revisitResults)[number];
