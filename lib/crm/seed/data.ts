/** The demo CRM: Swedish and international companies, each with people who work there. */
export const demoCompanies = [
  { name: 'Volvo Lastvagnar AB', domains: ['volvo.example', 'volvotrucks.example'], city: 'Göteborg', country: 'SE', phone: '+46 31 66 00 00', category: 'Customer', street: 'Gropegårdsgatan 2', postalCode: '417 15' },
  { name: 'Åhléns Varuhus AB', domains: ['ahlens.example'], city: 'Stockholm', country: 'SE', phone: '+46 8 676 60 00', category: 'Prospect', street: 'Klarabergsgatan 50', postalCode: '111 21' },
  { name: 'Skånska Mejerier ek. för.', domains: ['skanemejerier.example'], city: 'Malmö', country: 'SE', phone: '+46 40 10 20 30', category: 'Customer', street: 'Mejerivägen 4', postalCode: '211 19' },
  { name: 'Norrlands Trä & Bygg AB', domains: ['norrlandstra.example'], city: 'Umeå', country: 'SE', phone: '+46 90 12 34 56', category: 'Prospect', street: 'Storgatan 12', postalCode: '903 26' },
  { name: 'Östgöta Energi AB', domains: ['ostgotaenergi.example'], city: 'Linköping', country: 'SE', phone: '+46 13 20 80 00', category: 'Customer', street: 'Brogatan 1', postalCode: '582 21' },
  { name: 'Göteborgs Hamn AB', domains: ['goteborgshamn.example'], city: 'Göteborg', country: 'SE', phone: '+46 31 731 20 00', category: 'Partner', street: 'Emigrantvägen 2', postalCode: '403 30' },
  { name: 'Uppsala Biotech AB', domains: ['uppsalabiotech.example'], city: 'Uppsala', country: 'SE', phone: '+46 18 47 10 00', category: 'Customer', street: 'Dag Hammarskjölds väg 10', postalCode: '752 37' },
  { name: 'Kiruna Gruvteknik AB', domains: ['gruvteknik.example'], city: 'Kiruna', country: 'SE', phone: '+46 980 710 00', category: 'Prospect', street: 'Lars Janssonsgatan 17', postalCode: '981 31' },
  { name: 'Nordisk Design Oy', domains: ['nordiskdesign.example'], city: 'Helsinki', country: 'FI', phone: '+358 9 123 4567', category: 'Partner', street: 'Mannerheimintie 14', postalCode: '00100' },
  { name: 'Fjord Fisk AS', domains: ['fjordfisk.example'], city: 'Bergen', country: 'NO', phone: '+47 55 55 12 34', category: 'Customer', street: 'Bryggen 5', postalCode: '5003' },
  { name: 'Københavns Cykler ApS', domains: ['kbhcykler.example'], city: 'København', country: 'DK', phone: '+45 33 12 34 56', category: 'Prospect', street: 'Nørrebrogade 20', postalCode: '2200' },
  { name: 'Müller Maschinenbau GmbH', domains: ['mueller-maschinen.example'], city: 'München', country: 'DE', phone: '+49 89 123456', category: 'Customer', street: 'Leopoldstraße 8', postalCode: '80802' },
  { name: 'Société Générale de Logistique', domains: ['sgl-logistique.example'], city: 'Lyon', country: 'FR', phone: '+33 4 72 00 00 00', category: 'Prospect', street: '12 rue de la République', postalCode: '69002' },
  { name: 'Acme Corporation', domains: ['acme.example'], city: 'Chicago', country: 'US', phone: '+1 312 555 0100', category: 'Customer', street: '100 W Monroe St', postalCode: '60603' },
  { name: 'Globex Ltd', domains: ['globex.example', 'globex.example.co.uk'], city: 'London', country: 'GB', phone: '+44 20 7946 0000', category: 'Partner', street: '1 Canada Square', postalCode: 'E14 5AB' },
  { name: 'Initech Software B.V.', domains: ['initech.example'], city: 'Amsterdam', country: 'NL', phone: '+31 20 123 4567', category: 'Customer', street: 'Herengracht 100', postalCode: '1015 BS' },
  { name: 'Española de Energía S.A.', domains: ['espanola-energia.example'], city: 'Madrid', country: 'ES', phone: '+34 91 123 45 67', category: 'Prospect', street: 'Calle de Alcalá 45', postalCode: '28014' },
  { name: 'Tokyo Precision K.K.', domains: ['tokyoprecision.example'], city: '東京', country: 'JP', phone: '+81 3 1234 5678', category: 'Customer', street: '丸の内 1-1', postalCode: '100-0005' },
  { name: 'Zürich Versicherungsmakler AG', domains: ['zvm.example'], city: 'Zürich', country: 'CH', phone: '+41 44 123 45 67', category: 'Partner', street: 'Bahnhofstrasse 1', postalCode: '8001' },
  { name: 'Polska Stal Sp. z o.o.', domains: ['polskastal.example'], city: 'Kraków', country: 'PL', phone: '+48 12 345 67 89', category: 'Prospect', street: 'ul. Floriańska 3', postalCode: '31-019' },
] as const;

/** First and last names by country, so each company's people sound like they work there. */
export const demoPeople: Record<string, [string, string][]> = {
  SE: [['Anna', 'Lindqvist'], ['Erik', 'Johansson'], ['Sofia', 'Öberg'], ['Lars', 'Åström'], ['Maja', 'Nilsson'], ['Björn', 'Ekström'], ['Karin', 'Sjöberg'], ['Oskar', 'Holm'], ['Elin', 'Bergström'], ['Gustav', 'Lundgren'], ['Ingrid', 'Dahl'], ['Nils', 'Hägg'], ['Astrid', 'Wallin'], ['Johan', 'Ström'], ['Linnéa', 'Forsberg'], ['Per', 'Ångström'], ['Frida', 'Sandberg'], ['Mikael', 'Lööf'], ['Ebba', 'Nyström'], ['Henrik', 'Mårtensson'], ['Sara', 'Hedlund'], ['Anders', 'Björk'], ['Klara', 'Engström'], ['Viktor', 'Söderberg']],
  FI: [['Aino', 'Virtanen'], ['Mikko', 'Mäkinen'], ['Liisa', 'Korhonen']],
  NO: [['Ingrid', 'Hansen'], ['Ola', 'Nordmann'], ['Kari', 'Bakken']],
  DK: [['Mette', 'Jørgensen'], ['Søren', 'Kierkegaard'], ['Freja', 'Mølgaard']],
  DE: [['Jürgen', 'Müller'], ['Anke', 'Schröder'], ['Lukas', 'Weiß']],
  FR: [['Amélie', 'Dubois'], ['François', 'Lefèvre'], ['Céline', 'Moreau']],
  US: [['John', 'Smith'], ['Mary', 'Johnson'], ['Robert', 'Brown']],
  GB: [['Oliver', 'Taylor'], ['Charlotte', 'Davies'], ['Harry', "O'Brien"]],
  NL: [['Daan', 'de Vries'], ['Sanne', 'van Dijk'], ['Lotte', 'Jansen']],
  ES: [['José', 'García'], ['Lucía', 'Martínez'], ['Íñigo', 'Núñez']],
  JP: [['Haruto', 'Sato'], ['Yui', 'Suzuki'], ['Sota', 'Takahashi']],
  CH: [['Reto', 'Brunner'], ['Nicole', 'Keller'], ['Urs', 'Zürcher']],
  PL: [['Krzysztof', 'Wójcik'], ['Agnieszka', 'Kowalska'], ['Łukasz', 'Zieliński']],
};

export const demoJobTitles = ['CEO', 'CFO', 'Purchasing manager', 'IT manager', 'Sales director', 'Project manager', 'Inköpschef', 'Ekonomichef'];

export const demoProjects = [
  { name: 'ERP-byte 2027', status: 'in_progress', companies: [0, 4], startDate: '2026-09-01', endDate: '2027-06-30' },
  { name: 'Nordic rollout', status: 'planned', companies: [8, 9, 10], startDate: '2027-01-15', endDate: null },
  { name: 'Hamnlogistik pilot', status: 'completed', companies: [5, 12], startDate: '2026-03-01', endDate: '2026-08-31' },
  { name: 'Factory analytics', status: 'stopped', companies: [11], startDate: '2026-02-01', endDate: '2026-05-01' },
  { name: 'Lab data platform', status: 'in_progress', companies: [6, 15], startDate: '2026-10-01', endDate: '2027-03-31' },
] as const;

export const demoSales = [
  { title: 'Fleet telematics licenses', company: 0, stage: 'lead', amount: '250000.00', currency: 'SEK' },
  { title: 'Kassasystem 40 butiker', company: 1, stage: 'lead', amount: '1200000.00', currency: 'SEK' },
  { title: 'Kylkedja-övervakning', company: 2, stage: 'qualified', amount: '480000.00', currency: 'SEK' },
  { title: 'Support agreement 2027', company: 13, stage: 'qualified', amount: '85000.00', currency: 'USD' },
  { title: 'Smart meter integration', company: 4, stage: 'proposal', amount: '2150000.50', currency: 'SEK' },
  { title: 'Design system licences', company: 8, stage: 'proposal', amount: '42000.00', currency: 'EUR' },
  { title: 'Wartungsvertrag Linie 3', company: 11, stage: 'negotiation', amount: '310000.00', currency: 'EUR' },
  { title: 'Insurance broker portal', company: 18, stage: 'negotiation', amount: '150000.00', currency: 'CHF' },
  { title: 'Port gate automation', company: 5, stage: 'won', amount: '3400000.00', currency: 'SEK' },
  { title: 'Warehouse scanners', company: 14, stage: 'won', amount: '64000.00', currency: 'GBP' },
  { title: 'Plataforma de datos', company: 16, stage: 'lost', amount: '95000.00', currency: 'EUR' },
  { title: '精密測定システム', company: 17, stage: 'lost', amount: '12000000.00', currency: 'JPY' },
] as const;
