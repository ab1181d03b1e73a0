// Package claim checks what a resident states and asks to have confirmed
// (受理了70件,对吗? 异地通办有600项吗? 超过100件了吗?): the figures it
// states and how it compares with them, the statement asked as a question
// so that a false figure neither steers the search nor declines it, and
// the verdict, 对 or 不对, on the report's figures.
package claim
