/** Small gazetteers for the person detector (common first names in the Netherlands, Belgium, UK and US). */
export const FIRST_NAMES = new Set(
  `jan piet kees henk gerrit willem hendrik johannes cornelis pieter klaas dirk jacob joost thijs bram daan sem lucas levi finn milan jesse luuk noah lars ruben tim tom bas jeroen martijn maarten sander stefan wouter niels rick mark marco erik arjan rob robert richard michiel bart joris koen vincent jasper gijs teun stijn sven mees job siem hugo floris wessel roel ronald frank hans peter paul johan jeroen gert gerard wim ad ton theo fred rene rené marcel edwin patrick dennis kevin mohamed mohammed ahmed youssef mehmet ali omar hamza ibrahim
maria anna johanna cornelia elisabeth wilhelmina hendrika geertje grietje emma julia sophie sophia tess zoe zoë sara sarah fleur lisa lotte eva anouk femke iris sanne esther ingrid marloes marieke mirjam inge ilse linda petra monique sandra anja annemarie karin wendy kim laura lieke noor nina roos isa saar evi lynn julie amber britt chantal yvonne ria ans greet els mieke annelies jolanda fatima aicha khadija yasmina nora hanna hannah lara elin mila olivia charlotte chloe amelia isla ava ella grace ruby lily jessica emily
john james david michael william thomas george oliver harry jack charlie jacob alfie freddie oscar leo archie henry daniel matthew andrew christopher anthony joseph steven brian kevin jason jeffrey gary timothy ryan nicholas eric jonathan stephen larry justin scott brandon benjamin samuel gregory alexander patrick frank raymond jack dennis jerry tyler aaron jose adam nathan henry douglas zachary peter kyle walter ethan jeremy harold keith christian roger noah gerald carl terry sean austin arthur lawrence jesse dylan bryan joe jordan billy bruce albert willie gabriel logan alan juan wayne roy ralph randy eugene vincent russell elijah louis bobby philip johnny
mary patricia jennifer linda elizabeth barbara susan margaret dorothy lisa nancy karen betty helen sandra donna carol ruth sharon michelle laura kimberly deborah amy angela shirley anna brenda pamela nicole samantha katherine christine debra rachel catherine carolyn janet heather diane virginia julie joyce victoria kelly christina joan evelyn lauren judith megan cheryl andrea martha jacqueline frances gloria ann teresa kathryn sara janice jean alice madison doris abigail judy beverly denise marilyn amber danielle rose brittany diana natalie sophie alexandra
priya raj anil sunita wei li chen mei yuki hiro kenji olga ivan dmitri sofia lucia carmen pedro miguel luis ana marta giulia marco luca francesca`
    .split(/\s+/)
    .filter(Boolean),
);

/** Capitalised words that are not names (sentence starters, weekdays, products, teams). */
export const NOT_NAMES = new Set(
  `the a an this that these those our your my his her their we i you he she it they there here hi hello dear thanks thank please sorry yes no ok okay good great kind best regards cheers
het een deze die dit dat onze uw je jouw mijn zijn haar wij ik jij hij zij u er hier hoi hallo beste bedankt dank graag sorry ja nee goed groet groeten
mr mrs ms miss mx dr sir madam meneer mevrouw mevr mw dhr heer
monday tuesday wednesday thursday friday saturday sunday maandag dinsdag woensdag donderdag vrijdag zaterdag zondag today tomorrow yesterday vandaag morgen gisteren
january february march april may june july august september october november december januari februari maart mei juni juli augustus oktober
customer service support care team portal app website community forum helpdesk klantenservice klantendienst service desk billing sales account manager
street road lane avenue straat laan weg plein gracht
iphone android windows mac apple google microsoft samsung netflix spotify whatsapp wifi router modem fiber glasvezel sim esim unlimited premium basic plus pro family zakelijk business
amsterdam rotterdam utrecht den haag eindhoven groningen london manchester berlin brussels antwerp antwerpen springfield new york`
    .split(/\s+/)
    .filter(Boolean),
);
