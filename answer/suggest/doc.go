// Package suggest offers questions the reports do answer: the first ones a
// newcomer may ask (First), and, when a question finds nothing, the nearby
// ones its asker may have meant (WithNearby). Each is checked by answering
// it, with its figure first, before it is offered.
package suggest
