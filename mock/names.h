/* mock/names.h (internal to quo-mock) - the request members the
 * fixture file's lists stand for: "phoneNumbers" holds phoneNumberId
 * values, "conversations" conversationId, "activities" activityId, "users"
 * assignedTo. This is the vocabulary of the fixture format (docs/mock.md),
 * not of the contract: everything else (the 2xx body's wrapper and task id
 * member, revision, auth, statuses, patterns) is read from the contract.
 * At start-up the core checks that the spec's link ids are among these and
 * that a success body built from the contract conforms to the spec, so a
 * --spec document the fixtures cannot serve is refused, not served.
 */
#ifndef QUO_MOCK_NAMES_H
#define QUO_MOCK_NAMES_H

#define MOCK_PHONE_ID "phoneNumberId"
#define MOCK_CONVERSATION_ID "conversationId"
#define MOCK_ACTIVITY_ID "activityId"
#define MOCK_ASSIGNED_TO "assignedTo"

#endif
