// Package english reads the reports' words in English through a reviewed
// glossary (glossary_en.tsv): an English question as the report's Chinese
// words, when no model reads it, and what a fact counts as an English
// label. Every word it gives is the glossary's, never a model's.
package english
