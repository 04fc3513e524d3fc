import * as pb from '@repo/proto/learning/v1';
import * as words from '../../src/domain/vocabulary';

// The domain's lists and the contract's enums are one vocabulary.
test.each([
  ['unitKinds', words.unitKinds, pb.unitKindCodec],
  ['courseCategories', words.courseCategories, pb.courseCategoryCodec],
  ['courseRequirements', words.courseRequirements, pb.courseRequirementCodec],
  ['audienceKinds', words.audienceKinds, pb.audienceKindCodec],
  ['courseStatuses', words.courseStatuses, pb.courseStatusCodec],
  ['courseActions', words.courseActions, pb.courseActionCodec],
  ['cadreLevels', words.cadreLevels, pb.cadreLevelCodec],
  ['learnerPosts', words.learnerPosts, pb.learnerPostCodec],
  ['dayParts', words.dayParts, pb.dayPartCodec],
  ['hoursKinds', words.hoursKinds, pb.hoursKindCodec],
  ['enrolmentStatuses', words.enrolmentStatuses, pb.enrolmentStatusCodec],
  ['organiserKinds', words.organiserKinds, pb.organiserKindCodec],
  ['trainingModes', words.trainingModes, pb.trainingModeCodec],
  ['trainingStatuses', words.trainingStatuses, pb.trainingStatusCodec],
  ['duplicateRules', words.duplicateRules, pb.duplicateRuleCodec],
  ['questionTypes', words.questionTypes, pb.questionTypeCodec],
  ['examStatuses', words.examStatuses, pb.examStatusCodec],
  ['examActions', words.examActions, pb.examActionCodec],
  ['paperStatuses', words.paperStatuses, pb.paperStatusCodec],
  ['anomalyKinds', words.anomalyKinds, pb.anomalyKindCodec],
  ['pointsActions', words.pointsActions, pb.pointsActionCodec],
])('%s match the contract', (_name, list, codec) => {
  expect([...list]).toEqual(codec.values);
});
