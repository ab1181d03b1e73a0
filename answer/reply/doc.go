// Package reply holds the values an answer is made of and handed through:
// an Answer and its Lines, Citations and Computed figure; the turns,
// sessions and records conversation memory keeps (Key, Session, Record);
// and a model's request and errors. Adapters (memory, llm, bot, web,
// metrics) import it to speak of answers without pulling in how they are
// found; package answer and its engine produce them.
package reply
