/** One Server-Sent Event. */
export interface StreamEvent {
  id?: string;
  event: string;
  data: string;
}

/**
 * An incremental `text/event-stream` parser (the WHATWG EventSource rules, minus reconnection):
 * feed it text as it arrives; it calls `onEvent` for every complete event. Comments are skipped.
 */
export function createEventStreamParser(onEvent: (event: StreamEvent) => void): (text: string) => void {
  let buffer = '';
  let data: string[] = [];
  let event = '';
  let id: string | undefined;

  const line = (text: string): void => {
    if (text === '') {
      if (data.length > 0)
        onEvent({ ...(id !== undefined ? { id } : {}), event: event || 'message', data: data.join('\n') });
      data = [];
      event = '';
      return;
    }
    if (text.startsWith(':')) return;
    const colon = text.indexOf(':');
    const field = colon < 0 ? text : text.slice(0, colon);
    let value = colon < 0 ? '' : text.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') data.push(value);
    else if (field === 'event') event = value;
    else if (field === 'id' && !value.includes('\0')) id = value;
  };

  return (text) => {
    buffer += text;
    for (;;) {
      const match = /\r\n|\r|\n/.exec(buffer);
      // A lone `\r` at the very end may be the first half of `\r\n`: wait for more.
      if (!match || (match[0] === '\r' && match.index === buffer.length - 1)) return;
      line(buffer.slice(0, match.index));
      buffer = buffer.slice(match.index + match[0].length);
    }
  };
}
