package bot

import (
	"sync"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// dispatcher handles updates in order within a conversation and in
// parallel across conversations, at most `workers` at once. A conversation
// with updates waiting has one goroutine draining its queue; a slow answer
// holds one worker and its own conversation, never another's.
type dispatcher struct {
	handle func(tgbotapi.Update)
	slots  chan struct{}

	mu      sync.Mutex
	queues  map[string][]tgbotapi.Update
	running sync.WaitGroup
}

func newDispatcher(workers int, handle func(tgbotapi.Update)) *dispatcher {
	return &dispatcher{handle: handle, slots: make(chan struct{}, workers), queues: map[string][]tgbotapi.Update{}}
}

// dispatch queues u behind the updates of its conversation.
func (d *dispatcher) dispatch(conv string, u tgbotapi.Update) {
	d.mu.Lock()
	defer d.mu.Unlock()
	q, active := d.queues[conv]
	d.queues[conv] = append(q, u)
	if !active {
		d.running.Add(1)
		go d.drain(conv)
	}
}

func (d *dispatcher) drain(conv string) {
	defer d.running.Done()
	for {
		d.mu.Lock()
		q := d.queues[conv]
		if len(q) == 0 {
			delete(d.queues, conv)
			d.mu.Unlock()
			return
		}
		u := q[0]
		d.queues[conv] = q[1:]
		d.mu.Unlock()
		d.slots <- struct{}{}
		d.handle(u)
		<-d.slots
	}
}

// wait returns once every queued update is handled.
func (d *dispatcher) wait() { d.running.Wait() }
