// Messaging databases built in code with the schemas iOS and WhatsApp write (the tables and
// columns of the public iOS 15 reference image in the corpus, WhatsApp 2.22-2.23): the call log
// (CallHistory.sqlite), chats with groups and media (ChatStorage.sqlite), WhatsApp's contact list
// (ContactsV2.sqlite) and the address book (AddressBook.sqlitedb).
import type Database from "better-sqlite3";
import { sqliteImage } from "./sqlite-image.ts";

export const WA_DOMAIN = "AppDomainGroup-group.net.whatsapp.WhatsApp.shared";

/** Mac absolute seconds for an ISO date. */
export function macSeconds(iso: string): number {
  return (Date.parse(iso) - Date.UTC(2001, 0, 1)) / 1000;
}


export const CALL_HISTORY_SCHEMA = `
CREATE TABLE ZWAAGGREGATECALLEVENT ( Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZINCOMING INTEGER, ZMISSED INTEGER, ZMISSEDREASON INTEGER, ZVIDEO INTEGER, ZFIRSTDATE TIMESTAMP, ZLINKTOKEN VARCHAR );
CREATE TABLE ZWACDCALLEVENT ( Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZBYTESRECEIVED INTEGER, ZBYTESSENT INTEGER, ZOUTCOME INTEGER, Z1CALLEVENTS INTEGER, Z_FOK_1CALLEVENTS INTEGER, ZDATE TIMESTAMP, ZDURATION FLOAT, ZGROUPCALLCREATORUSERJIDSTRING VARCHAR, ZGROUPJIDSTRING VARCHAR, ZSCHEDULEDID VARCHAR );
CREATE TABLE ZWACDCALLEVENTPARTICIPANT ( Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZOUTCOME INTEGER, Z1PARTICIPANTS INTEGER, Z_FOK_1PARTICIPANTS INTEGER, ZJIDSTRING VARCHAR );
CREATE INDEX ZWACDCALLEVENT_Z1CALLEVENTS_INDEX ON ZWACDCALLEVENT (Z1CALLEVENTS);
CREATE TABLE Z_PRIMARYKEY (Z_ENT INTEGER PRIMARY KEY, Z_NAME VARCHAR, Z_SUPER INTEGER, Z_MAX INTEGER);
`;

export interface FixtureCall {
  at: string;
  incoming: boolean;
  /** ZMISSED of the call-list entry. */
  missed?: boolean;
  /** ZOUTCOME: 0 answered, 1 missed, 2 failed, 4 rejected. */
  outcome?: number;
  duration?: number;
  video?: boolean;
  /** Who started the call (the caller of an incoming call, the owner for an outgoing one). */
  creator: string;
  /** The other party. */
  participant: string;
}

/** One call-list entry and one call per item. */
export function callHistoryDb(calls: FixtureCall[]): Buffer {
  return sqliteImage(CALL_HISTORY_SCHEMA, (db) => {
    const a = db.prepare("INSERT INTO ZWAAGGREGATECALLEVENT (Z_PK, Z_ENT, Z_OPT, ZINCOMING, ZMISSED, ZMISSEDREASON, ZVIDEO, ZFIRSTDATE) VALUES (?,1,1,?,?,?,?,?)");
    const e = db.prepare("INSERT INTO ZWACDCALLEVENT (Z_PK, Z_ENT, Z_OPT, ZBYTESRECEIVED, ZBYTESSENT, ZOUTCOME, Z1CALLEVENTS, Z_FOK_1CALLEVENTS, ZDATE, ZDURATION, ZGROUPCALLCREATORUSERJIDSTRING) VALUES (?,2,1,?,?,?,?,2048,?,?,?)");
    const p = db.prepare("INSERT INTO ZWACDCALLEVENTPARTICIPANT (Z_PK, Z_ENT, Z_OPT, ZOUTCOME, Z1PARTICIPANTS, Z_FOK_1PARTICIPANTS, ZJIDSTRING) VALUES (?,3,1,?,?,2048,?)");
    calls.forEach((c, i) => {
      const pk = i + 1;
      const at = macSeconds(c.at);
      const outcome = c.outcome ?? (c.missed ? 1 : 0);
      a.run(pk, c.incoming ? 1 : 0, c.missed ? 1 : 0, 1, c.video ? 1 : 0, at);
      const talked = outcome === 0 ? (c.duration ?? 60) : 0;
      e.run(pk, talked ? 1000 : 0, talked ? 1000 : 0, outcome, pk, at, talked, c.creator);
      p.run(pk, outcome, pk, c.participant);
    });
  });
}

export const CONTACTS_V2_SCHEMA = `CREATE TABLE ZWAADDRESSBOOKCONTACT ( Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZDISAPPEARINGMODEDURATION INTEGER, ZPHONESTATUS INTEGER, ZSECTIONSORT INTEGER, ZSORT INTEGER, ZSPOTLIGHTSTATUS INTEGER, ZABOUTTIMESTAMP TIMESTAMP, ZDISAPPEARINGMODETIMESTAMP TIMESTAMP, ZABOUTTEXT VARCHAR, ZFULLNAME VARCHAR, ZGIVENNAME VARCHAR, ZHIGHLIGHTEDNAME VARCHAR, ZIDENTIFIER VARCHAR, ZLOCALIZEDPHONENUMBER VARCHAR, ZPHONENUMBER VARCHAR, ZPHONENUMBERLABEL VARCHAR, ZSEARCHTOKENLIST VARCHAR, ZSECTIONTITLE VARCHAR, ZWHATSAPPID VARCHAR, ZDEVICELIST BLOB );`;

/** WhatsApp's contact list: a name, the number as the address book spells it, the WhatsApp id. */
export function contactsV2Db(rows: { name: string; phone: string; jid: string | null }[]): Buffer {
  return sqliteImage(CONTACTS_V2_SCHEMA, (db) => {
    const i = db.prepare("INSERT INTO ZWAADDRESSBOOKCONTACT (Z_ENT, Z_OPT, ZFULLNAME, ZPHONENUMBER, ZWHATSAPPID, ZPHONESTATUS, ZIDENTIFIER) VALUES (1,1,?,?,?,?,?)");
    rows.forEach((r, n) => i.run(r.name, r.phone, r.jid, r.jid ? 2 : 3, `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`));
  });
}

export const ADDRESS_BOOK_SCHEMA = `
CREATE TABLE ABPerson (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, First TEXT, Last TEXT, Middle TEXT, Organization TEXT, Kind INTEGER, CreationDate INTEGER, ModificationDate INTEGER);
CREATE TABLE ABMultiValue (UID INTEGER PRIMARY KEY, record_id INTEGER, property INTEGER, identifier INTEGER, label INTEGER, value TEXT, guid TEXT);
`;

/** The address book: people with their phone numbers (property 3) and e-mail addresses (4). */
export function addressBookDb(people: { first: string; last?: string; phones?: string[]; emails?: string[] }[]): Buffer {
  return sqliteImage(ADDRESS_BOOK_SCHEMA, (db) => {
    const p = db.prepare("INSERT INTO ABPerson (ROWID, First, Last) VALUES (?,?,?)");
    const v = db.prepare("INSERT INTO ABMultiValue (record_id, property, identifier, label, value) VALUES (?,?,0,1,?)");
    people.forEach((x, i) => {
      p.run(i + 1, x.first, x.last ?? null);
      for (const ph of x.phones ?? []) v.run(i + 1, 3, ph);
      for (const em of x.emails ?? []) v.run(i + 1, 4, em);
    });
  });
}

export const CHAT_STORAGE_SCHEMA = `
CREATE TABLE ZWAMESSAGE ( Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZCHILDMESSAGESDELIVEREDCOUNT INTEGER, ZCHILDMESSAGESPLAYEDCOUNT INTEGER, ZCHILDMESSAGESREADCOUNT INTEGER, ZDATAITEMVERSION INTEGER, ZDOCID INTEGER, ZENCRETRYCOUNT INTEGER, ZFILTEREDRECIPIENTCOUNT INTEGER, ZFLAGS INTEGER, ZGROUPEVENTTYPE INTEGER, ZISFROMME INTEGER, ZMESSAGEERRORSTATUS INTEGER, ZMESSAGESTATUS INTEGER, ZMESSAGETYPE INTEGER, ZSORT INTEGER, ZSPOTLIGHTSTATUS INTEGER, ZSTARRED INTEGER, ZCHATSESSION INTEGER, ZGROUPMEMBER INTEGER, ZLASTSESSION INTEGER, ZMEDIAITEM INTEGER, ZMESSAGEINFO INTEGER, ZPARENTMESSAGE INTEGER, ZMESSAGEDATE TIMESTAMP, ZSENTDATE TIMESTAMP, ZFROMJID VARCHAR, ZMEDIASECTIONID VARCHAR, ZPHASH VARCHAR, ZPUSHNAME VARCHAR, ZSTANZAID VARCHAR, ZTEXT VARCHAR, ZTOJID VARCHAR );
CREATE INDEX ZWAMESSAGE_ZCHATSESSION_INDEX ON ZWAMESSAGE (ZCHATSESSION);
CREATE TABLE ZWACHATSESSION ( Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZARCHIVED INTEGER, ZCONTACTABID INTEGER, ZFLAGS INTEGER, ZHIDDEN INTEGER, ZIDENTITYVERIFICATIONEPOCH INTEGER, ZIDENTITYVERIFICATIONSTATE INTEGER, ZMESSAGECOUNTER INTEGER, ZREMOVED INTEGER, ZSESSIONTYPE INTEGER, ZSPOTLIGHTSTATUS INTEGER, ZUNREADCOUNT INTEGER, ZGROUPINFO INTEGER, ZLASTMESSAGE INTEGER, ZPROPERTIES INTEGER, ZLASTMESSAGEDATE TIMESTAMP, ZLOCATIONSHARINGENDDATE TIMESTAMP, ZCONTACTIDENTIFIER VARCHAR, ZCONTACTJID VARCHAR, ZETAG VARCHAR, ZLASTMESSAGETEXT VARCHAR, ZPARTNERNAME VARCHAR, ZSAVEDINPUT VARCHAR );
CREATE TABLE ZWAGROUPINFO ( Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZSTATE INTEGER, ZCHATSESSION INTEGER, ZLASTMESSAGEOWNER INTEGER, ZCREATIONDATE TIMESTAMP, ZSUBJECTTIMESTAMP TIMESTAMP, ZCREATORJID VARCHAR, ZOWNERJID VARCHAR, ZPICTUREID VARCHAR, ZPICTUREPATH VARCHAR, ZSOURCEJID VARCHAR, ZSUBJECTOWNERJID VARCHAR );
CREATE TABLE ZWAGROUPMEMBER ( Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZCONTACTABID INTEGER, ZISACTIVE INTEGER, ZISADMIN INTEGER, ZSENDERKEYSENT INTEGER, ZCHATSESSION INTEGER, ZRECENTGROUPCHAT INTEGER, ZCONTACTIDENTIFIER VARCHAR, ZCONTACTNAME VARCHAR, ZFIRSTNAME VARCHAR, ZMEMBERJID VARCHAR );
CREATE TABLE ZWAMEDIAITEM ( Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZCLOUDSTATUS INTEGER, ZFILESIZE INTEGER, ZMEDIAORIGIN INTEGER, ZMOVIEDURATION INTEGER, ZMESSAGE INTEGER, ZASPECTRATIO FLOAT, ZHACCURACY FLOAT, ZLATITUDE FLOAT, ZLONGITUDE FLOAT, ZMEDIAURLDATE TIMESTAMP, ZAUTHORNAME VARCHAR, ZCOLLECTIONNAME VARCHAR, ZMEDIALOCALPATH VARCHAR, ZMEDIAURL VARCHAR, ZTHUMBNAILLOCALPATH VARCHAR, ZTITLE VARCHAR, ZVCARDNAME VARCHAR, ZVCARDSTRING VARCHAR, ZXMPPTHUMBPATH VARCHAR, ZMEDIAKEY BLOB, ZMETADATA BLOB );
CREATE INDEX ZWAMEDIAITEM_ZMESSAGE_INDEX ON ZWAMEDIAITEM (ZMESSAGE);
`;

export interface FixtureChat {
  jid: string;
  name: string;
  /** A group chat: its creator (ZCREATORJID) and creation date. */
  group?: { creator?: string | null; created: string; members: { jid: string; admin?: boolean; active?: boolean }[] };
}

export interface FixtureMessage {
  chat: number;
  at: string;
  /** ZMESSAGETYPE: 0 text, 1 image, 2 video, 3 audio, 6 group event, 8 document, 15 sticker... */
  type: number;
  fromMe?: boolean;
  /** Author of a received message (ZFROMJID, or the member row in a group). */
  from?: string | null;
  text?: string | null;
  /** ZGROUPEVENTTYPE of a group event (type 6). */
  groupEvent?: number;
  /** Group event about a member (ZGROUPMEMBER → the member with this JID). */
  member?: string;
  media?: { path: string; title?: string; size?: number };
}

/**
 * ChatStorage.sqlite: chats numbered from 1 in the order given, group info and members, and
 * messages with their media items.
 */
export function chatStorageDb(chats: FixtureChat[], messages: FixtureMessage[], owner = "15550000001@s.whatsapp.net"): Buffer {
  return sqliteImage(CHAT_STORAGE_SCHEMA, (db) => {
    const s = db.prepare("INSERT INTO ZWACHATSESSION (Z_PK, Z_ENT, Z_OPT, ZCONTACTJID, ZPARTNERNAME, ZSESSIONTYPE, ZGROUPINFO, ZARCHIVED, ZREMOVED, ZHIDDEN) VALUES (?,4,1,?,?,?,?,0,0,0)");
    const g = db.prepare("INSERT INTO ZWAGROUPINFO (Z_PK, Z_ENT, Z_OPT, ZSTATE, ZCHATSESSION, ZCREATIONDATE, ZSUBJECTTIMESTAMP, ZCREATORJID) VALUES (?,5,1,0,?,?,?,?)");
    const gm = db.prepare("INSERT INTO ZWAGROUPMEMBER (Z_PK, Z_ENT, Z_OPT, ZISACTIVE, ZISADMIN, ZCHATSESSION, ZMEMBERJID) VALUES (?,6,1,?,?,?,?)");
    const memberPk = new Map<string, number>();
    let nMember = 0;
    let nGroup = 0;
    chats.forEach((c, i) => {
      const pk = i + 1;
      let info: number | null = null;
      if (c.group) {
        info = ++nGroup;
        g.run(info, pk, macSeconds(c.group.created), macSeconds(c.group.created), c.group.creator ?? null);
        for (const m of [{ jid: owner, admin: c.group.creator === owner, active: true }, ...c.group.members]) {
          gm.run(++nMember, m.active === false ? 0 : 1, m.admin ? 1 : 0, pk, m.jid);
          memberPk.set(`${pk}/${m.jid}`, nMember);
        }
      }
      s.run(pk, c.jid, c.name, c.group ? 1 : 0, info);
    });
    const m = db.prepare(
      "INSERT INTO ZWAMESSAGE (Z_PK, Z_ENT, Z_OPT, ZCHATSESSION, ZMESSAGETYPE, ZGROUPEVENTTYPE, ZISFROMME, ZFROMJID, ZTOJID, ZGROUPMEMBER, ZMEDIAITEM, ZTEXT, ZMESSAGEDATE, ZSTANZAID) VALUES (?,9,1,?,?,?,?,?,?,?,?,?,?,?)",
    );
    const mi = db.prepare("INSERT INTO ZWAMEDIAITEM (Z_PK, Z_ENT, Z_OPT, ZMESSAGE, ZMEDIALOCALPATH, ZTITLE, ZFILESIZE) VALUES (?,7,1,?,?,?,?)");
    let nMedia = 0;
    messages.forEach((x, i) => {
      const pk = i + 1;
      const chat = chats[x.chat - 1];
      const inGroup = !!chat.group;
      const mediaPk = x.media ? ++nMedia : null;
      const memberJid = x.member ?? (inGroup && !x.fromMe && x.type !== 6 ? x.from : undefined);
      const member = memberJid ? (memberPk.get(`${x.chat}/${memberJid}`) ?? null) : null;
      const from = x.fromMe ? null : inGroup ? chat.jid : (x.from ?? chat.jid);
      m.run(pk, x.chat, x.type, x.groupEvent ?? (x.fromMe ? 0 : 2), x.fromMe ? 1 : 0, from, x.fromMe ? chat.jid : x.type === 6 ? owner : null, member, mediaPk, x.text ?? null, macSeconds(x.at), `STANZA${pk}`);
      if (x.media) mi.run(mediaPk, pk, x.media.path, x.media.title ?? null, x.media.size ?? 0);
    });
  });
}
