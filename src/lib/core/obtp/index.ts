export {explainObtp, type ExplainOptions, type ObtpCheck, type ObtpExplanation} from './explain.js'
export {planObtp, type ObtpPlanEntry, type ObtpPlanOptions, type ObtpPush} from './plan.js'
export {evaluateTargets, joinWindow, type ObtpContext, type ObtpRoom, type TargetVerdict} from './targets.js'
export {obtpContextFromUsers, type ObtpUserRecord} from './context.js'
