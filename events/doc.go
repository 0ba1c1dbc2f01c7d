// Package events reads the event stream: a CloudEvent (spec 1.0, JSON,
// types named like Infinitic's) for every lifecycle transition of every
// workflow instance and task. The workers publish them (unless
// worker.Config.NoEvents); this package reads them back from any position,
// live or replayed, on any transport with the transport.Log capability
// (transport/natsjs: a JetStream stream with limits retention;
// transport/memory).
//
// # Types
//
// Workflow engines publish infinitic.workflow.* events (source
// "infinitic/workflows/<Workflow>", subject the workflow id): dispatch,
// started, completed, failed, canceled, retryTask, retryExecutor,
// continuedAsNew (workflow.ContinueAsNew: data has the new run's method
// and input), methodStarted, methodCompleted, methodFailed, taskDispatched,
// timerDispatched, timerCompleted, signalReceived, remoteMethodDispatched,
// remoteMethodCompleted, remoteMethodFailed. Service executors publish
// infinitic.task.* events (source "infinitic/services/<Service>", subject
// the task id): started, retryScheduled, completed, failed. Every event
// has the extension attributes workflowname and workflowid; engine events
// also workflowseq, their number among the instance's events (1, 2, ...).
// docs/events.md shows an example of each.
//
// # Guarantees
//
//   - Exactly once per transition. An engine stores a step's events with
//     the instance's state (compare-and-set) and publishes them after the
//     write, with ids made of the instance and the event's number: a step
//     that is rolled back (a conflict, a crash before the write) publishes
//     nothing, and a copy published again is dropped by the stream's
//     deduplication window (natsjs.Config.LogDedupWindow, 2 minutes) or,
//     later, by Listen and Read (by workflowseq). The steps an engine
//     commits together share one message per workflow; an outbox
//     published again from the store (after a crash, or a publish that
//     failed for 30 s) goes apart, and its copies, which the stream may
//     then keep, are dropped by Listen and Read. Task events have ids made
//     of the task id, the attempt and the type: a redelivered attempt's
//     copies fall in the deduplication window, unless the redelivery comes
//     later than that.
//   - Order per instance. The stream order of an instance's events is
//     their order: an instance's steps are applied one after the other,
//     each step's events are stored before the messages of the step are
//     published, and an executor's task events are stored before the
//     task's outcome (and after the started event). So a task's
//     taskDispatched, task.started, task.retryScheduled, task.completed
//     and the engine events that follow the outcome appear in that order.
//     Event times come from different processes' clocks: order by the
//     stream position (Event.Position), not by time. Across instances
//     there is no order.
//   - Retention. The stream keeps events for natsjs.Config.LogMaxAge (7
//     days) or LogMaxBytes (1 GiB), whichever comes first; reading from an
//     older position starts at the oldest event kept.
package events
