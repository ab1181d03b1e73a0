// Package route answers from several reports loaded side by side. A
// question that names a place or year goes to those reports; one that
// names none is searched in each report alone and answered from those that
// answer it, side by side, or with a question back naming them; a ranking
// question (哪个县最多) is answered across them. Each report has its own
// engine (package engine), made on first use, so that two places' figures
// are never mixed.
package route
