import assert from 'node:assert/strict'
import {classifyJoinUrl, type MeetingService} from '../../../../src/lib/core/join/index.js'

const joinLinks: [string, MeetingService][] = [
  ['https://acme.webex.com/acme/j.php?MTID=m1a2b3c4d5e6f708192a3b4c5d6e7f809', 'webex'],
  ['https://acme.webex.com/acme/k2/j.php?MTID=t0123', 'webex'],
  ['https://acme.webex.com/acme/e.php?MTID=e0123', 'webex'],
  ['https://acme.webex.com/acme/ldr.php?RCID=0a1b2c', 'webex'],
  ['https://acme.webex.com/meet/jane.doe', 'webex'],
  ['https://acme.my.webex.com/meet/jane.doe/', 'webex'],
  ['https://acme.webex.com/join/jdoe', 'webex'],
  ['https://acme.webex.com/wbxmjs/joinservice/sites/acme/meeting/download/0123abcd', 'webex'],
  ['https://webex.com/meet/jane', 'webex'],
  ['https://acme.zoom.us/j/85012345678?pwd=abc.1', 'zoom'],
  ['https://zoom.us/j/123456789', 'zoom'],
  ['https://acme.zoom.us:443/j/85012345678', 'zoom'],
  ['https://us02web.zoom.us/w/81234567890?tk=x', 'zoom'],
  ['https://acme.zoom.us/s/85012345678?zak=x', 'zoom'],
  ['https://acme.zoom.us/my/jane.doe', 'zoom'],
  ['https://acme.zoomgov.com/j/1612345678', 'zoom'],
  ['https://zoom.com/j/91234567890', 'zoom'],
  ['https://app.zoom.us/wc/join/91234567890', 'zoom'],
  ['https://acme.zoom.us/wc/91234567890/join?pwd=x', 'zoom'],
  ['https://teams.microsoft.com/l/meetup-join/19%3ameeting_abc%40thread.v2/0?context=%7b%7d', 'teams'],
  ['https://teams.microsoft.com/meet/2456789012345?p=Xy9AbCd', 'teams'],
  ['https://teams.live.com/meet/9345678901234?p=AbCd', 'teams'],
  ['https://gov.teams.microsoft.us/l/meetup-join/19%3ameeting_x%40thread.v2/0', 'teams'],
  ['https://dod.teams.microsoft.us/meet/1234567890123?p=x', 'teams'],
  ['https://teams.cloud.microsoft/meet/1234567890123?p=x', 'teams'],
  ['https://meet.google.com/abc-defg-hij', 'meet'],
  ['https://MEET.GOOGLE.COM/ABC-DEFG-HIJ?authuser=1', 'meet'],
  ['https://meet.google.com/lookup/weekly-sync', 'meet'],
  ['https://meet.goto.com/123456789', 'goto'],
  ['https://meet.goto.com/janedoe', 'goto'],
  ['https://global.gotomeeting.com/join/987654321', 'goto'],
  ['https://app.gotomeeting.com/index.html?meetingId=987654321', 'goto'],
  ['https://gotomeet.me/JaneDoe', 'goto'],
  ['https://meet.jit.si/AcmeWeeklySync', 'jitsi'],
  ['https://8x8.vc/vpaas-magic-cookie-0123/AcmeSync', 'jitsi'],
  ['https://chime.aws/1234567890', 'chime'],
  ['https://app.chime.aws/meetings/?pin=1234567890', 'chime'],
  ['https://app.chime.aws/meetings/1234567890', 'chime'],
  ['https://nam12.safelinks.protection.outlook.com/?url=https%3A%2F%2Fchime.aws%2F1234567890&data=05', 'chime'],
]

const notJoinLinks = [
  'https://www.webex.com/',
  'https://www.webex.com/downloads.html',
  'https://help.webex.com/en-us/article/nqbpkci',
  'https://help.webex.com/meet/jane',
  'https://acme.webex.com/acme/globalcallin.php?MTID=m9f8e',
  'https://acme.webex.com/acme/j.php',
  'https://acme.webex.com/meet/',
  'https://www.webex.com/msteams?confid=1122334455&tenantkey=acme',
  'https://zoom.us/download',
  'https://zoom.us/test',
  'https://zoom.us/',
  'https://acme.zoom.us/u/kdEfGhIjK',
  'https://acme.zoom.us/j/850',
  'https://acme.zoom.us/meeting/register/tJ0sd',
  'https://support.zoom.us/hc/en-us/articles/201362193',
  'https://support.zoom.com/j/12345678901',
  'https://teams.microsoft.com/meetingOptions/?organizerId=a1&tenantId=72',
  'https://teams.microsoft.com/dl/launcher/launcher.html?url=%2F_%23%2Fl%2Fmeetup-join%2F19',
  'https://teams.microsoft.com/l/chat/0/0?users=jane@acme.com',
  'https://teams.microsoft.com/l/meetup-join/',
  'https://dialin.teams.microsoft.com/usp/pstnconferencing',
  'https://aka.ms/JoinTeamsMeeting',
  'https://go.microsoft.com/fwlink/?LinkId=521839',
  'https://www.microsoft.com/microsoft-teams/join-a-meeting',
  'https://meet.google.com/',
  'https://meet.google.com/new',
  'https://meet.google.com/abc-defg-hijk',
  'https://tel.meet/abc-defg-hij?pin=123',
  'https://support.google.com/a/users/answer/9282720',
  'https://calendar.google.com/calendar/event?eid=abc',
  'https://meet.goto.com/install',
  'https://global.gotomeeting.com/install/987654321',
  'https://meet.jit.si/',
  'https://meet.jit.si/static/dialInInfo.html?room=Acme',
  'https://chime.aws/dialinnumbers/',
  'https://chime.aws/download',
  'https://zoom.us@evil.example/j/85012345678',
  'https://evil.example\\@zoom.us/j/85012345678',
  'https://acme.zoom.us:443/download',
  'https://acme-zoom.us/j/85012345678',
  'https://zoom.us.evil.example/j/85012345678',
  'ftp://zoom.us/j/85012345678',
  'not a url',
]

describe('join detection: provider classification', () => {
  for (const [url, provider] of joinLinks) {
    it(`${url} -> ${provider}`, () => assert.equal(classifyJoinUrl(url), provider))
  }
  for (const url of notJoinLinks) {
    it(`${url} is not a join link`, () => assert.equal(classifyJoinUrl(url), null))
  }

  it('accepts any URL on a profile domain or its subdomains as other, but not lookalikes', () => {
    assert.equal(classifyJoinUrl('https://vc.acme.example/room/42', ['vc.acme.example']), 'other')
    assert.equal(classifyJoinUrl('https://eu.vc.acme.example/', ['*.vc.acme.example']), 'other')
    assert.equal(classifyJoinUrl('https://evilvc.acme.example/room/42', ['vc.acme.example']), null)
    // Known providers keep their own rules: adding zoom.us does not make the download page a meeting.
    assert.equal(classifyJoinUrl('https://zoom.us/download', ['zoom.us']), null)
  })
})
