/* mock/names.h (internal to quo-mock) - the member names quo-mock reads
 * from requests and writes into 201 bodies, in one place.
 *
 * They are the API's vocabulary, not constants of its contract: the spec
 * decides which of them link a task (quo_spec_link_name), their patterns
 * and the error constants. At start-up the core checks that the spec's
 * link names are exactly the three below and that a 201 body built with
 * these names conforms to the spec's 201 schema, so a typo here or a
 * --spec document that renames a member is refused, not served.
 */
#ifndef QUO_MOCK_NAMES_H
#define QUO_MOCK_NAMES_H

#define MOCK_PHONE_ID "phoneNumberId"
#define MOCK_CONVERSATION_ID "conversationId"
#define MOCK_ACTIVITY_ID "activityId"
#define MOCK_ASSIGNED_TO "assignedTo"

/* 201 body members beyond the link ids. */
#define MOCK_DATA "data"
#define MOCK_TASK_ID "taskId"
#define MOCK_REVISION "revision"

#endif
