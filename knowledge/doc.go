// Package knowledge parses government reports into documents of numbered
// sections and figures, and retrieves the sections that answer a question.
//
// It knows nothing of chats, language models or Telegram: its outputs are
// typed values (Document, Section, Fact, Hit; figures from package figure) that the answering layer uses.
//
// Section IDs are the report's outline markers without punctuation, as
// printed: 一 for 一、, 一(六) for (六) under it, 一(六)1 for 1. under that,
// 一(一)2一是 for the inline item 一是… of that paragraph. The text before the
// first 一、 heading is the preamble, whose ID is PreambleID.
package knowledge
