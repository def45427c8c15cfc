/**
 * The last act: a user adds a meeting with a keyword to their calendar, and hcal picks the change up. Watch
 * mode (`hcal sync --watch`) is the way hcal means to pick changes up as they happen; until it is available
 * to the demo, the change is picked up the way a scheduled `hcal sync` would: a second, incremental sync that
 * reads only what changed. The demo says which of the two it did, and never claims the other.
 */
import {createGoogleEvent, googleEvent, joinBlocksOf} from './ground-truth.js'
import type {DemoStory} from './result.js'
import {type StoryContext, syncActive, syncSummary} from './story.js'

const HOUR_MS = 3_600_000

export const CHANGE_NOTE = 'watch mode: a second sync picks up the change'

/** A keyword meeting the user adds tomorrow at the next full hour, for half an hour. */
function newMeeting(now: number) {
  const start = new Date(Math.ceil(now / HOUR_MS) * HOUR_MS + 24 * HOUR_MS)
  return {
    title: 'Design review (added during the demo)',
    location: '@webex',
    body: 'Added by the user while hcal was running.',
    start,
    end: new Date(start.getTime() + HOUR_MS / 2),
  }
}

/** Picks the change up with a second, incremental sync (the step that becomes the watch service's push). */
async function pickUpWithSync(context: StoryContext): Promise<DemoStory['change']['sync']> {
  return syncSummary(await syncActive(context, 'picking up the change'))
}

export async function userChangesCalendar(context: StoryContext, mailbox: string): Promise<DemoStory['change']> {
  const meeting = newMeeting(Date.now())
  const created = await createGoogleEvent(context.sandbox.control, mailbox, meeting)
  const sync = await pickUpWithSync(context)
  const now = await googleEvent(context.sandbox.control, mailbox, created.id)
  const after = {location: now?.location ?? '', joinBlocks: joinBlocksOf(now?.body ?? '')}
  return {
    mode: 'sync',
    note: CHANGE_NOTE,
    mailbox,
    eventId: created.id,
    title: meeting.title,
    pickedUp: after.joinBlocks.length === 1,
    after,
    sync,
  }
}
