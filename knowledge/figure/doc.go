// Package figure reads the figures of Chinese report text: numbers written
// in digits or in Chinese (84件, 11.47亿元, 十期, 百分之八十七), ratios, dates
// and document numbers, each with its unit, its kind and the clause it
// stands in. Two figures are compared by the quantity they denote, not by
// their spelling. It knows nothing of reports or sections; knowledge gives
// each figure its section.
package figure
